import Foundation

/// Reads a registry file: a JSON array of Address Register communication parties, in either
/// `RegistryFormat`: the legacy one (bare or wrapped as `{"herId", "parentHerId", "type",
/// "communicationParty": {...}}`) or AR's CommunicationParty v1. The first element decides which;
/// every other element must be in the same one.
package enum RegistryFile {
    /// Parses a whole file. Any bad element fails the whole file, naming its index.
    package static func parse(_ data: Data) throws(RegistryImportError) -> [RegistryEntry] {
        try parse(data, as: nil)
    }

    /// Parses a whole file, or an answer of AR's API, in `format`; nil: the first element's.
    package static func parse(_ data: Data, as format: RegistryFormat?) throws(RegistryImportError) -> [RegistryEntry] {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .notJSON(describe(error))
        }
        guard case .array(let elements) = root else { throw .notAnArray }
        var seen: Set<Int> = []
        var entries: [RegistryEntry] = []
        entries.reserveCapacity(elements.count)
        let fileFormat = format ?? elements.first.map(RegistryFormat.of) ?? .legacy
        for (index, element) in elements.enumerated() {
            guard case .object = element else { throw .notAnObject(index: index) }
            let elementFormat = RegistryFormat.of(element)
            guard elementFormat == fileFormat else { throw .otherFormat(index: index, expected: fileFormat, found: elementFormat) }
            let entry = try parseElement(element, index: index)
            guard seen.insert(entry.party.herId).inserted else {
                throw .duplicateHerId(index: index, herId: entry.party.herId)
            }
            entries.append(entry)
        }
        return entries
    }

    /// Parses one element as the store keeps it, in whichever format it was stored.
    package static func parseStored(_ document: Data) throws(RegistryImportError) -> CommunicationParty {
        let element: JSONValue
        do {
            element = try JSONDecoder().decode(JSONValue.self, from: document)
        } catch {
            throw .notJSON(describe(error))
        }
        return try parseElement(element, index: 0).party
    }

    private static func parseElement(_ element: JSONValue, index: Int) throws(RegistryImportError) -> RegistryEntry {
        guard case .object = element else { throw .notAnObject(index: index) }
        let party = switch RegistryFormat.of(element) {
        case .legacy: try legacyParty(element, index: index)
        case .communicationPartyV1: try CommunicationPartyV1.party(element, index: index)
        }
        return RegistryEntry(party: party, document: try storedDocument(element, index: index))
    }

    private static func legacyParty(_ element: JSONValue, index: Int) throws(RegistryImportError) -> CommunicationParty {
        // The wrapper carries the party inside; its own herId/parentHerId/type fill the gaps.
        let body = element["communicationParty"].flatMap { if case .object = $0 { $0 } else { nil } } ?? element
        let rawHerId = body["HerId"] ?? element["herId"]
        guard let rawHerId, rawHerId != .null else { throw .missingHerId(index: index) }
        guard case .integer(let wide) = rawHerId, wide > 0, let herId = Int(exactly: wide) else {
            throw .invalidHerId(index: index)
        }
        let parent = (body["ParentHerId"] ?? element["parentHerId"])?.integer
        let addresses = (body["ElectronicAddresses"]?.array ?? []).compactMap(address)
        let receives = body["Receives"]?.array?.compactMap(\.string)

        return CommunicationParty(
            herId: herId,
            name: body["Name"]?.string ?? "",
            displayName: body["DisplayName"]?.string,
            parentHerId: parent.flatMap { $0 > 0 ? $0 : nil },
            parentName: body["ParentName"]?.string,
            type: PartyType(registryName: body["Type"]?.string ?? element["type"]?.string ?? ""),
            active: body["Active"]?.bool ?? true,
            isValidCommunicationParty: body["IsValidCommunicationParty"]?.bool ?? true,
            electronicAddresses: addresses,
            receives: receives.map(Set.init))
    }

    /// The element as the store keeps it: re-serialised with sorted keys.
    ///
    /// `JSONEncoder` refuses only non-finite numbers, which `JSONDecoder` never produces, so
    /// this cannot fail for an element read from a file; it throws rather than store an empty
    /// document should that ever change.
    static func storedDocument(_ element: JSONValue, index: Int) throws(RegistryImportError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(element)
        } catch {
            throw .notEncodable(index: index)
        }
    }

    private static func address(_ value: JSONValue) -> ElectronicAddress? {
        guard let address = value["Address"]?.string,
              let code = value["TypeCodeValue"]?.string ?? value["Type"]?["CodeValue"]?.string
        else { return nil }
        return ElectronicAddress(address: address, typeCode: code, inherited: value["Inherited"]?.bool ?? false)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\(($0 as NSError).localizedDescription)" } ?? context.debugDescription
        default:
            return "\(error)"
        }
    }
}
