/// One electronic address of a party (`E_SB_ASYNC`, `E_SB_ERROR`, `E_URL`, ...).
package struct ElectronicAddress: Sendable, Hashable {
    /// The address as the register gives it, e.g. `tb.test.nhn.no/NHNTESTServiceBus/8141703_async`.
    package var address: String
    /// The type code, e.g. `E_SB_ASYNC`.
    package var typeCode: String
    /// True when the register resolved it from the parent party; it is used as given.
    package var inherited: Bool

    package init(address: String, typeCode: String, inherited: Bool = false) {
        self.address = address
        self.typeCode = typeCode
        self.inherited = inherited
    }

    /// The queue name: the last `/`-separated segment. Queue names are never built from HER-ids,
    /// because inherited addresses name the parent's queues.
    package var queueName: String? {
        let segment = address.split(separator: "/", omittingEmptySubsequences: true).last
            .map { String($0).trimmingCharacters(in: .whitespaces) }
        guard let segment, !segment.isEmpty else { return nil }
        return segment
    }
}
