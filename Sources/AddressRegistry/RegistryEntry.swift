import Foundation

/// One party read from a registry file, with its original JSON so nothing the register sent is lost.
package struct RegistryEntry: Sendable {
    package var party: CommunicationParty
    /// The element exactly as it was in the file (re-serialised, keys sorted).
    package var document: Data

    package init(party: CommunicationParty, document: Data) {
        self.party = party
        self.document = document
    }
}
