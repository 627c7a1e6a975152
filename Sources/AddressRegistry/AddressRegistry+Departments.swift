extension AddressRegistry {
    /// These HER-ids and every party whose `ParentHerId` chain reaches one of them: what a
    /// client acting for an organisation may act for. A chain with a cycle stops where it
    /// repeats.
    package func withDepartments(of herIds: Set<Int>) -> Set<Int> {
        var covered = herIds
        for party in allParties where !covered.contains(party.herId) {
            var seen: Set<Int> = [party.herId]
            var parent = party.parentHerId
            while let current = parent, seen.insert(current).inserted {
                if herIds.contains(current) {
                    covered.insert(party.herId)
                    break
                }
                parent = self.party(herId: current)?.parentHerId
            }
        }
        return covered
    }
}
