/// What one sync did.
package struct RegistrySyncReport: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// Export and batched lookup: the whole copy replaced.
        case full
        /// Events taken in since the stored position.
        case events
    }

    package var kind: Kind
    /// Parties written: all of them (full), or those events named that AR still gives out.
    package var parties: Int
    /// Parties taken out because AR no longer gave them out.
    package var removed: Int
    /// The event sequence number the copy is now current up to.
    package var sequence: Int64
}
