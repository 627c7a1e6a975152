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

    /// String values, keys in sorted order (so the same headers always encode the same way):
    /// those `keeping` keeps, all by default. Strings given in key order (as `MessageHeaders`
    /// keeps them) cost the sort one pass.
    package init<Strings: Sequence>(_ strings: Strings, keeping: (String) -> Bool = { _ in true })
    where Strings.Element == (key: String, value: String) {
        entries = []
        entries.reserveCapacity(strings.underestimatedCount)
        for (key, value) in strings where keeping(key) { entries.append((key: key, value: .string(value))) }
        entries.sort { $0.key < $1.key }
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
        var out: [UInt8] = []
        // Room for a message's dozen headers at once.
        out.reserveCapacity(512)
        AMQP10Encoder.appendDescriptor(of: .applicationProperties, to: &out)
        AMQP10Encoder.map(pairs: entries.count, &out) { body in
            for entry in entries {
                AMQP10Encoder.append(.string(entry.key), to: &body)
                AMQP10Encoder.append(entry.value, to: &body)
            }
        }
        return out
    }

    package static func == (a: Self, b: Self) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
