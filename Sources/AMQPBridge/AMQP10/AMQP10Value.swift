/// A value of the AMQP 1.0 type system (OASIS AMQP 1.0 part 1), as far as the message sections
/// RabbitMQ's AMQP 1.0 plugin hands over (`x-amqp-1.0-properties`, `x-amqp-1.0-app-properties`,
/// the body's data and amqp-value sections) use it.
///
/// Types hubd has no use for keep their constructor and bytes (`.other`), so that a 1.0 sender
/// that puts, say, a decimal in its application properties costs that one value, not the message.
///
/// ```swift
/// let section = AMQP10Value.described(.ulong(0x74), .map([(.string("fromHerId"), .string("8142987"))]))
/// let bytes = AMQP10Encoder.encode(section)
/// ```
package enum AMQP10Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case ubyte(UInt8)
    case ushort(UInt16)
    case uint(UInt32)
    case ulong(UInt64)
    case byte(Int8)
    case short(Int16)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
    /// Milliseconds since the Unix epoch.
    case timestamp(Int64)
    /// 16 bytes.
    case uuid([UInt8])
    case binary([UInt8])
    case string(String)
    case symbol(String)
    indirect case list([AMQP10Value])
    /// Pairs in wire order (AMQP maps are ordered; keys may be of any type).
    indirect case map([AMQP10Pair])
    /// An array: one element constructor shared by every element.
    indirect case array([AMQP10Value])
    indirect case described(AMQP10Value, AMQP10Value)
    /// A type hubd does not interpret (char, decimal32/64/128): its constructor and bytes.
    case other(constructor: UInt8, bytes: [UInt8])

    /// The text of a value that is text or a number: how hubd reads 1.0 fields that the 0-9-1
    /// contract has as long strings. Timestamps are ISO 8601 in UTC with milliseconds; a uuid
    /// is its lowercase canonical form; binary counts only when it is UTF-8.
    package var text: String? {
        switch self {
        case .string(let s), .symbol(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .ubyte(let v): return String(v)
        case .ushort(let v): return String(v)
        case .uint(let v): return String(v)
        case .ulong(let v): return String(v)
        case .byte(let v): return String(v)
        case .short(let v): return String(v)
        case .int(let v): return String(v)
        case .long(let v): return String(v)
        case .float(let v): return String(v)
        case .double(let v): return String(v)
        case .timestamp(let ms): return AMQP10Timestamp.iso8601(milliseconds: ms)
        case .uuid(let bytes): return AMQP10Value.uuidText(bytes)
        case .binary(let bytes): return String(validating: bytes, as: UTF8.self)
        default: return nil
        }
    }

    static func uuidText(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return nil }
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return b < 16 ? "0" + s : s
        }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }
}

/// One key and value of an AMQP 1.0 map.
package struct AMQP10Pair: Sendable, Hashable {
    package var key: AMQP10Value
    package var value: AMQP10Value

    package init(_ key: AMQP10Value, _ value: AMQP10Value) {
        self.key = key
        self.value = value
    }
}
