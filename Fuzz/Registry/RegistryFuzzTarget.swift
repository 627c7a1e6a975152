import Foundation

/// Feeds one input to `RegistryFile.parse` and checks what must hold for any input: no
/// crash, and every entry it accepts reads back from its stored document as the same party
/// (the store keeps the document, and `parseStored` is how the hub reads it again).
func fuzzOne(_ body: [UInt8]) {
    guard let entries = try? RegistryFile.parse(Data(body)) else { return }
    for (index, entry) in entries.enumerated() {
        let stored: CommunicationParty
        do {
            stored = try RegistryFile.parseStored(entry.document)
        } catch {
            fatalError("fuzz: element \(index) was stored as a document that does not parse: \(error)")
        }
        guard stored == entry.party else {
            fatalError("fuzz: element \(index) reads back as \(stored), not \(entry.party)")
        }
    }
    let registry = AddressRegistry(parties: entries.map(\.party))
    for party in registry.allParties {
        for kind in AddressKind.allCases { _ = party.queue(kind) }
        _ = party.canSend && party.canReceive && party.accepts(messageFunction: "APPREC")
    }
}
