import Foundation

/// One party read from a registry file, with its original JSON so nothing the register sent is lost.
public struct RegistryEntry: Sendable {
    public var party: CommunicationParty
    /// The element exactly as it was in the file (re-serialised, keys sorted).
    public var document: Data

    public init(party: CommunicationParty, document: Data) {
        self.party = party
        self.document = document
    }
}
