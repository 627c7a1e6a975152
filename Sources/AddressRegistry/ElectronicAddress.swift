/// One electronic address of a party (`E_SB_ASYNC`, `E_SB_ERROR`, `E_URL`, ...).
package struct ElectronicAddress: Sendable, Hashable {
    /// The address as the register gives it, e.g. `tb.test.nhn.no/NHNTESTServiceBus/8141703_async`.
    package let address: String
    /// The type code, e.g. `E_SB_ASYNC`.
    package let typeCode: String
    /// True when the register resolved it from the parent party; it is used as given.
    package let inherited: Bool
    /// The queue name: the last `/`-separated segment, trimmed. Queue names are never built from
    /// HER-ids, because inherited addresses name the parent's queues. Worked out once here: every
    /// submission and every dispatch asks for it.
    package let queueName: String?

    package init(address: String, typeCode: String, inherited: Bool = false) {
        self.address = address
        self.typeCode = typeCode
        self.inherited = inherited
        queueName = Self.queueName(of: address)
    }

    private static func queueName(of address: String) -> String? {
        let segment = address.split(separator: "/", omittingEmptySubsequences: true).last
            .map { String($0).trimmingCharacters(in: .whitespaces) }
        guard let segment, !segment.isEmpty else { return nil }
        return segment
    }
}
