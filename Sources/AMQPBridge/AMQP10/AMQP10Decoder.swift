/// Decodes AMQP 1.0 encoded values (part 1, §1.6) from bytes that come from outside.
///
/// Input-driven and bounded: every size and count is checked against the bytes that are left
/// before anything is allocated, nesting stops at `maxDepth`, and the total number of values at
/// `maxValues`, so hostile bytes give an `AMQP10Error`, never a crash or an unbounded allocation.
///
/// ```swift
/// let values = try AMQP10Decoder.decodeAll(sectionBytes)   // e.g. [.described(.ulong(0x73), .list(...))]
/// ```
package struct AMQP10Decoder {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private var valuesLeft: Int
    private let maxDepth: Int

    package static let defaultMaxDepth = 32
    package static let defaultMaxValues = 100_000

    package init(_ bytes: [UInt8], maxDepth: Int = Self.defaultMaxDepth, maxValues: Int = Self.defaultMaxValues) {
        self.bytes = bytes
        self.offset = 0
        self.valuesLeft = maxValues
        self.maxDepth = maxDepth
    }

    /// Every value in `bytes`, one after another (a message is a sequence of sections).
    package static func decodeAll(_ bytes: [UInt8]) throws(AMQP10Error) -> [AMQP10Value] {
        var decoder = AMQP10Decoder(bytes)
        var values: [AMQP10Value] = []
        while !decoder.isAtEnd { values.append(try decoder.next()) }
        return values
    }

    /// Exactly one value, with nothing after it.
    package static func decodeOne(_ bytes: [UInt8]) throws(AMQP10Error) -> AMQP10Value {
        var decoder = AMQP10Decoder(bytes)
        let value = try decoder.next()
        guard decoder.isAtEnd else { throw .trailingBytes(offset: decoder.offset) }
        return value
    }

    package var isAtEnd: Bool { offset >= bytes.count }

    package mutating func next() throws(AMQP10Error) -> AMQP10Value {
        try value(depth: 0)
    }

    // MARK: - Values

    private mutating func value(depth: Int) throws(AMQP10Error) -> AMQP10Value {
        guard depth <= maxDepth else { throw .tooDeep(offset: offset) }
        let constructor = try byte()
        if constructor == 0x00 {
            // Described: a descriptor value, then the described value.
            let descriptor = try value(depth: depth + 1)
            let described = try value(depth: depth + 1)
            return .described(descriptor, described)
        }
        return try body(of: constructor, depth: depth)
    }

    /// The value after its constructor (also how array elements are read: one shared constructor).
    private mutating func body(of constructor: UInt8, depth: Int) throws(AMQP10Error) -> AMQP10Value {
        valuesLeft -= 1
        guard valuesLeft >= 0 else { throw .badLength(offset: offset) }
        let at = offset - 1
        switch constructor {
        case 0x40: return .null
        case 0x41: return .bool(true)
        case 0x42: return .bool(false)
        case 0x56:
            switch try byte() {
            case 0: return .bool(false)
            case 1: return .bool(true)
            default: throw .unexpected("boolean that is neither 0 nor 1 at byte \(offset - 1)")
            }
        case 0x50: return .ubyte(try byte())
        case 0x60: return .ushort(UInt16(truncatingIfNeeded: try unsigned(2)))
        case 0x70: return .uint(UInt32(truncatingIfNeeded: try unsigned(4)))
        case 0x52: return .uint(UInt32(try byte()))
        case 0x43: return .uint(0)
        case 0x80: return .ulong(try unsigned(8))
        case 0x53: return .ulong(UInt64(try byte()))
        case 0x44: return .ulong(0)
        case 0x51: return .byte(Int8(bitPattern: try byte()))
        case 0x61: return .short(Int16(truncatingIfNeeded: Int64(bitPattern: try unsigned(2) << 48) >> 48))
        case 0x71: return .int(Int32(truncatingIfNeeded: try unsigned(4)))
        case 0x54: return .int(Int32(Int8(bitPattern: try byte())))
        case 0x81: return .long(Int64(bitPattern: try unsigned(8)))
        case 0x55: return .long(Int64(Int8(bitPattern: try byte())))
        case 0x72: return .float(Float(bitPattern: UInt32(truncatingIfNeeded: try unsigned(4))))
        case 0x82: return .double(Double(bitPattern: try unsigned(8)))
        case 0x83: return .timestamp(Int64(bitPattern: try unsigned(8)))
        case 0x98: return .uuid(try take(16))
        case 0xa0: return .binary(try take(Int(try byte())))
        case 0xb0: return .binary(try take(try length32()))
        case 0xa1: return .string(try text(Int(try byte()), at: at))
        case 0xb1: return .string(try text(try length32(), at: at))
        case 0xa3: return .symbol(try text(Int(try byte()), at: at))
        case 0xb3: return .symbol(try text(try length32(), at: at))
        case 0x45: return .list([])
        case 0xc0, 0xd0:
            return .list(try compound(wide: constructor == 0xd0, depth: depth))
        case 0xc1, 0xd1:
            let items = try compound(wide: constructor == 0xd1, depth: depth)
            guard items.count % 2 == 0 else { throw .unexpected("map with an odd number of items at byte \(at)") }
            return .map(stride(from: 0, to: items.count, by: 2).map { AMQP10Pair(items[$0], items[$0 + 1]) })
        case 0xe0, 0xf0:
            return .array(try array(wide: constructor == 0xf0, depth: depth))
        case 0x73: return .other(constructor: constructor, bytes: try take(4))    // char
        case 0x74: return .other(constructor: constructor, bytes: try take(4))    // decimal32
        case 0x84: return .other(constructor: constructor, bytes: try take(8))    // decimal64
        case 0x94: return .other(constructor: constructor, bytes: try take(16))   // decimal128
        default: throw .unknownConstructor(constructor, offset: at)
        }
    }

    /// A list's or map's items: size, count, then `count` values that must fill exactly `size`.
    private mutating func compound(wide: Bool, depth: Int) throws(AMQP10Error) -> [AMQP10Value] {
        let sizeAt = offset
        let size = wide ? try length32() : Int(try byte())
        let end = offset + size
        guard size <= bytes.count - offset, size >= (wide ? 4 : 1) else { throw .badLength(offset: sizeAt) }
        let count = wide ? try length32() : Int(try byte())
        // Every item takes at least one byte: a count beyond that is a lie, and allocating for it
        // would let a few bytes claim gigabytes.
        guard count <= end - offset else { throw .badLength(offset: sizeAt) }
        var items: [AMQP10Value] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
            items.append(try value(depth: depth + 1))
            guard offset <= end else { throw .badLength(offset: sizeAt) }
        }
        guard offset == end else { throw .badLength(offset: sizeAt) }
        return items
    }

    private mutating func array(wide: Bool, depth: Int) throws(AMQP10Error) -> [AMQP10Value] {
        let sizeAt = offset
        let size = wide ? try length32() : Int(try byte())
        let end = offset + size
        guard size <= bytes.count - offset, size >= (wide ? 4 : 1) else { throw .badLength(offset: sizeAt) }
        let count = wide ? try length32() : Int(try byte())
        // Elements may take no bytes (an array of nulls), so the count is bounded by the array's
        // size in bytes as well as by the decoder's budget of values.
        guard count <= size, count <= valuesLeft else { throw .badLength(offset: sizeAt) }
        guard depth + 1 <= maxDepth else { throw .tooDeep(offset: offset) }
        var constructor = try byte()
        var descriptor: AMQP10Value?
        if constructor == 0x00 {
            descriptor = try value(depth: depth + 1)
            constructor = try byte()
        }
        guard constructor != 0x00 else { throw .unexpected("array element constructor at byte \(offset - 1)") }
        var items: [AMQP10Value] = []
        items.reserveCapacity(count)
        for _ in 0..<count {
            let item = try body(of: constructor, depth: depth + 1)
            items.append(descriptor.map { .described($0, item) } ?? item)
            guard offset <= end else { throw .badLength(offset: sizeAt) }
        }
        guard offset == end else { throw .badLength(offset: sizeAt) }
        return items
    }

    // MARK: - Bytes

    private mutating func byte() throws(AMQP10Error) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func unsigned(_ width: Int) throws(AMQP10Error) -> UInt64 {
        guard width <= bytes.count - offset else { throw .truncated(offset: offset) }
        var v: UInt64 = 0
        for i in 0..<width { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += width
        return v
    }

    private mutating func length32() throws(AMQP10Error) -> Int {
        let at = offset
        let v = try unsigned(4)
        guard v <= UInt64(bytes.count) else { throw .badLength(offset: at) }
        return Int(v)
    }

    private mutating func take(_ count: Int) throws(AMQP10Error) -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw .truncated(offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    private mutating func text(_ count: Int, at: Int) throws(AMQP10Error) -> String {
        let raw = try take(count)
        guard let s = String(validating: raw, as: UTF8.self) else { throw .invalidText(offset: at) }
        return s
    }
}
