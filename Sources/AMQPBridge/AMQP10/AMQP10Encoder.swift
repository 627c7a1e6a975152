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
        case .string(let s): variable(Array(s.utf8), small: 0xa1, large: 0xb1, &out)
        case .symbol(let s): variable(Array(s.utf8), small: 0xa3, large: 0xb3, &out)
        case .list(let items):
            if items.isEmpty { out.append(0x45) } else { compound(items, small: 0xc0, large: 0xd0, &out) }
        case .map(let pairs): compound(pairs.flatMap { [$0.key, $0.value] }, small: 0xc1, large: 0xd1, &out)
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

    private static func big(_ v: UInt64, _ width: Int, _ out: inout [UInt8]) {
        for i in stride(from: width - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    private static func variable(_ bytes: [UInt8], small: UInt8, large: UInt8, _ out: inout [UInt8]) {
        if bytes.count < 256 { out += [small, UInt8(bytes.count)] } else { out.append(large); big(UInt64(bytes.count), 4, &out) }
        out += bytes
    }

    private static func compound(_ items: [AMQP10Value], small: UInt8, large: UInt8, _ out: inout [UInt8]) {
        var body: [UInt8] = []
        for item in items { append(item, to: &body) }
        // The size counts the count field too: 1 byte in the short form, 4 in the long one.
        if body.count + 1 < 256 && items.count < 256 {
            out += [small, UInt8(body.count + 1), UInt8(items.count)]
        } else {
            out.append(large); big(UInt64(body.count + 4), 4, &out); big(UInt64(items.count), 4, &out)
        }
        out += body
    }
}
