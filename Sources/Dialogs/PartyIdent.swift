/// The HER-ids that name one communication party in a message: the organisation (level 1)
/// and, when given, the department, service or person inside it (level 2).
///
/// Only identifiers whose type is `HER` and whose value is a positive integer are kept;
/// anything else counts as absent.
///
/// ```swift
/// let party = PartyIdent(level1: 10037001, level2: 10037002)
/// party.effective   // 10037002
/// ```
package struct PartyIdent: Sendable, Equatable, Hashable {
    /// The level-1 HER-id (the organisation).
    package var level1: Int?
    /// The level-2 HER-id (the communication party inside the organisation).
    package var level2: Int?

    /// Creates a party from its HER-ids.
    package init(level1: Int? = nil, level2: Int? = nil) {
        self.level1 = level1
        self.level2 = level2
    }

    /// The HER-id that addresses the party: level 2 when present, else level 1.
    package var effective: Int? { level2 ?? level1 }
}
