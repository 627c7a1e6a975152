extension AddressRegistry {
    /// These HER-ids and every party whose `ParentHerId` chain reaches one of them: what a
    /// client acting for an organisation may act for. Walks down from the given parties only,
    /// so its cost is the size of their subtrees, not of the registry; a cycle stops where it
    /// repeats.
    package func withDepartments(of herIds: Set<Int>) -> Set<Int> {
        var covered = herIds
        var pending = Array(herIds)
        while let herId = pending.popLast() {
            for department in departments(of: herId) where covered.insert(department).inserted {
                pending.append(department)
            }
        }
        return covered
    }
}
