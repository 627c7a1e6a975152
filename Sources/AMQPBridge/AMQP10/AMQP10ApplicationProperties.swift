/// The application-properties section (AMQP 1.0 part 3, §3.2.5): a map from string keys to
/// simple values. This is where Helsenorge.Messaging puts `fromHerId`, `toHerId`,
/// `applicationTimeStamp` and the rest of what the 0-9-1 contract has as headers.
///
/// ```swift
/// let section = AMQP10ApplicationProperties(["fromHerId": "8142987"]).encoded()
/// ```
package struct AMQP10ApplicationProperties: Sendable, Equatable {
    /// Key and value in wire order.
    package var entries: [(key: String, value: AMQP10Value)]

    /// String values, keys in sorted order (so the same headers always encode the same way).
    package init(_ strings: [String: String]) {
        entries = strings.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) }
    }

    /// Reads the section from its encoding. A key that is not a string is left out (the
    /// specification allows only strings; one sender's mistake should not cost the message).
    package init(encoded bytes: [UInt8]) throws(AMQP10Error) {
        let value = try AMQP10Decoder.decodeOne(bytes)
        guard case .described(let descriptor, let body) = value,
              AMQP10Section(descriptor: descriptor) == .applicationProperties
        else { throw .unexpected("not an application-properties section") }
        guard case .map(let pairs) = body else { throw .unexpected("application properties that are not a map") }
        entries = pairs.compactMap { pair in
            guard case .string(let key) = pair.key else { return nil }
            return (key: key, value: pair.value)
        }
    }

    /// Every entry whose value has a text form (`AMQP10Value.text`); the first of a repeated key.
    package var texts: [String: String] {
        var out: [String: String] = [:]
        for entry in entries where out[entry.key] == nil {
            if let text = entry.value.text { out[entry.key] = text }
        }
        return out
    }

    package func encoded() -> [UInt8] {
        AMQP10Encoder.encode(AMQP10Section.applicationProperties.wrapping(
            .map(entries.map { AMQP10Pair(.string($0.key), $0.value) })))
    }

    package static func == (a: Self, b: Self) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
