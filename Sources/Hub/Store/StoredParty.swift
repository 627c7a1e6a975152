import Foundation

/// One party of the registry copy as stored: its document and where it came from.
package struct StoredParty: Sendable {
    /// The element as imported or fetched from AR (re-serialised, keys sorted).
    package var document: Data
    /// Nil only for a row whose origin columns are damaged.
    package var provenance: PartyProvenance?
}
