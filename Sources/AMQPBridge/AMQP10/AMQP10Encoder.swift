/// Encodes AMQP 1.0 values (part 1, §1.6) in their most compact form, as RabbitMQ's plugin and
/// qpid-proton do: `ulong0`/`smallulong`, `uint0`/`smalluint`, `smalllong`/`smallint`, 8-bit sizes
/// for strings, symbols, binaries, lists and maps that fit, `list0` for an empty list.
///
/// ```swift
/// let bytes = AMQP10Encoder.encode(.described(.ulong(0x73), .list([.string("id-1")])))
/// ```
package enum AMQP10Encoder {
    package static func encode(_ value: AMQP10Value) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    package static func append(_ value: AMQP10Value, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(0x40)
        case .bool(let b): out.append(b ? 0x41 : 0x42)
        case .ubyte(let v): out += [0x50, v]
        case .ushort(let v): out.append(0x60); big(UInt64(v), 2, &out)
        case .uint(let v):
            if v == 0 { out.append(0x43) } else if v < 256 { out += [0x52, UInt8(v)] } else { out.append(0x70); big(UInt64(v), 4, &out) }
        case .ulong(let v):
            if v == 0 { out.append(0x44) } else if v < 256 { out += [0x53, UInt8(v)] } else { out.append(0x80); big(v, 8, &out) }
        case .byte(let v): out += [0x51, UInt8(bitPattern: v)]
        case .short(let v): out.append(0x61); big(UInt64(UInt16(bitPattern: v)), 2, &out)
        case .int(let v):
            if v >= -128 && v <= 127 { out += [0x54, UInt8(bitPattern: Int8(v))] } else { out.append(0x71); big(UInt64(UInt32(bitPattern: v)), 4, &out) }
        case .long(let v):
            if v >= -128 && v <= 127 { out += [0x55, UInt8(bitPattern: Int8(v))] } else { out.append(0x81); big(UInt64(bitPattern: v), 8, &out) }
        case .float(let v): out.append(0x72); big(UInt64(v.bitPattern), 4, &out)
        case .double(let v): out.append(0x82); big(v.bitPattern, 8, &out)
        case .timestamp(let v): out.append(0x83); big(UInt64(bitPattern: v), 8, &out)
        case .uuid(let bytes): out.append(0x98); out += bytes.prefix(16); out += [UInt8](repeating: 0, count: max(0, 16 - bytes.count))
        case .binary(let bytes): variable(bytes, small: 0xa0, large: 0xb0, &out)
        case .string(let s): text(s, small: 0xa1, large: 0xb1, &out)
        case .symbol(let s): text(s, small: 0xa3, large: 0xb3, &out)
        case .list(let items):
            list(count: items.count, &out) { body in
                for item in items { append(item, to: &body) }
            }
        case .map(let pairs):
            map(pairs: pairs.count, &out) { body in
                for pair in pairs {
                    append(pair.key, to: &body)
                    append(pair.value, to: &body)
                }
            }
        // hubd writes no arrays; one read from outside is written back as a list of its elements,
        // because the compact encodings above differ per element and an array shares one.
        case .array(let items): append(.list(items), to: &out)
        case .described(let descriptor, let described):
            out.append(0x00)
            append(descriptor, to: &out)
            append(described, to: &out)
        case .other(let constructor, let bytes): out.append(constructor); out += bytes
        }
    }

    /// Writes the descriptor of `section`; the section's value is written next. With `list`
    /// or `map`, a section is written in place, without the `AMQP10Value` tree that
    /// `encode(_:)` takes: hubd writes two on every message it publishes.
    static func appendDescriptor(of section: AMQP10Section, to out: inout [UInt8]) {
        out.append(0x00)
        append(.ulong(section.code), to: &out)
    }

    private static func big(_ v: UInt64, _ width: Int, _ out: inout [UInt8]) {
        for i in stride(from: width - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// A string's bytes as one copy from its storage, not appended byte by byte through its
    /// UTF-8 view: every header of every message published goes through here.
    private static func text(_ string: String, small: UInt8, large: UInt8, _ out: inout [UInt8]) {
        var string = string
        string.withUTF8 { variable($0, small: small, large: large, &out) }
    }

    private static func variable(_ bytes: some Collection<UInt8>, small: UInt8, large: UInt8, _ out: inout [UInt8]) {
        let count = bytes.count
        if count < 256 {
            out.append(small)
            out.append(UInt8(count))
        } else {
            out.append(large)
            big(UInt64(count), 4, &out)
        }
        out.append(contentsOf: bytes)
    }

    /// A list or map of `count` items that `items` writes. They are written in place, after room
    /// for the short form's size and count, and moved along when they need the long form: every
    /// message hubd publishes carries two encoded sections, and a buffer per compound value
    /// (and an array per string) made them 3.6 % of hubd's CPU in the steady state.
    /// A list of `count` items that `items` writes (`list0` when there are none).
    static func list(count: Int, _ out: inout [UInt8], items: (inout [UInt8]) -> Void) {
        guard count > 0 else { return out.append(0x45) }
        compound(count: count, small: 0xc0, large: 0xd0, &out, items: items)
    }

    /// A map of `pairs` keys and values that `items` writes, each key followed by its value.
    static func map(pairs: Int, _ out: inout [UInt8], items: (inout [UInt8]) -> Void) {
        compound(count: pairs * 2, small: 0xc1, large: 0xd1, &out, items: items)
    }

    private static func compound(count: Int, small: UInt8, large: UInt8, _ out: inout [UInt8], items: (inout [UInt8]) -> Void) {
        let start = out.count
        out.append(small)
        out.append(0)
        out.append(0)
        items(&out)
        // The size counts the count field too: 1 byte in the short form, 4 in the long one.
        let size = out.count - start - 3
        if size + 1 < 256 && count < 256 {
            out[start + 1] = UInt8(size + 1)
            out[start + 2] = UInt8(count)
        } else {
            var head: [UInt8] = [large]
            big(UInt64(size + 4), 4, &head)
            big(UInt64(count), 4, &head)
            out.replaceSubrange(start..<start + 3, with: head)
        }
    }
}
