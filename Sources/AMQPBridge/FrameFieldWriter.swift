/// Writes the payloads of a publish's method and content header frames as AMQP 0-9-1 encodes
/// them (and as `amqp_encode_method` and `amqp_encode_properties` do): the `basic.publish`
/// arguments; the property flags, then each property present in the order of its flag, header
/// tables with their entries sorted by name (as `CArena.table` hands them to rabbitmq-c, so a
/// message's bytes on the wire are the same whichever writes them).
///
/// Writing straight into the frame buffer spares what handing a message to rabbitmq-c's
/// encoders costs for every publish: each string copied into a C arena first, the arena's
/// blocks allocated and freed (2 % of hubd's CPU in the steady state, docs/performance.md).
/// Writes past `end` are not made; `overflowed` then says the room given was too small.
struct FrameFieldWriter: ~Copyable {
    private var position: UnsafeMutableRawPointer
    private let end: UnsafeMutableRawPointer
    private(set) var overflowed = false

    /// A writer of at most `room` bytes at `start`.
    init(at start: UnsafeMutableRawPointer, room: Int) {
        position = start
        end = start + room
    }

    /// The bytes written from `start`.
    func written(from start: UnsafeMutableRawPointer) -> Int { position - start }

    /// The arguments of `basic.publish` after its class and method id: the reserved ticket, the
    /// exchange, the routing key and the flag bits (`immediate` is never set).
    mutating func publishArguments(exchange: String, routingKey: String, mandatory: Bool) {
        integer(UInt16(0))
        shortString(exchange)
        shortString(routingKey)
        integer(UInt8(mandatory ? 1 : 0))
    }

    /// The flag word and the properties present.
    mutating func properties(_ p: AMQPProperties) {
        var flags: UInt16 = 0
        func flag(_ present: Bool, _ bit: UInt16) { if present { flags |= 1 << bit } }
        flag(p.contentType != nil, 15)
        flag(p.contentEncoding != nil, 14)
        flag(!p.headers.isEmpty, 13)
        flag(p.deliveryMode != nil, 12)
        flag(p.priority != nil, 11)
        flag(p.correlationId != nil, 10)
        flag(p.replyTo != nil, 9)
        flag(p.expiration != nil, 8)
        flag(p.messageId != nil, 7)
        flag(p.timestamp != nil, 6)
        flag(p.type != nil, 5)
        flag(p.userId != nil, 4)
        flag(p.appId != nil, 3)
        integer(flags)
        if let v = p.contentType { shortString(v) }
        if let v = p.contentEncoding { shortString(v) }
        if !p.headers.isEmpty { table(p.headers) }
        if let v = p.deliveryMode { integer(v) }
        if let v = p.priority { integer(v) }
        if let v = p.correlationId { shortString(v) }
        if let v = p.replyTo { shortString(v) }
        if let v = p.expiration { shortString(v) }
        if let v = p.messageId { shortString(v) }
        if let v = p.timestamp { integer(v) }
        if let v = p.type { shortString(v) }
        if let v = p.userId { shortString(v) }
        if let v = p.appId { shortString(v) }
    }

    private mutating func table(_ entries: [String: AMQPFieldValue]) {
        sized { writer in
            for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
                writer.shortString(key)
                writer.field(value)
            }
        }
    }

    private mutating func field(_ value: AMQPFieldValue) {
        switch value {
        case .string(let s):
            integer(UInt8(ascii: "S"))
            longString(s)
        case .binaryString(let bytes):
            integer(UInt8(ascii: "S"))
            longBytes(bytes)
        case .bytes(let bytes):
            integer(UInt8(ascii: "x"))
            longBytes(bytes)
        case .int(let i):
            integer(UInt8(ascii: "l"))
            integer(UInt64(bitPattern: i))
        case .bool(let b):
            integer(UInt8(ascii: "t"))
            integer(UInt8(b ? 1 : 0))
        case .double(let d):
            integer(UInt8(ascii: "d"))
            integer(d.bitPattern)
        case .timestamp(let t):
            integer(UInt8(ascii: "T"))
            integer(t)
        case .void:
            integer(UInt8(ascii: "V"))
        case .array(let values):
            integer(UInt8(ascii: "A"))
            sized { writer in for value in values { writer.field(value) } }
        case .table(let entries):
            integer(UInt8(ascii: "F"))
            table(entries)
        }
    }

    /// A 32-bit byte count, then what `body` writes.
    private mutating func sized(_ body: (inout Self) -> Void) {
        let start = position
        integer(UInt32(0))
        body(&self)
        guard !overflowed else { return }
        start.storeBytes(of: UInt32(position - start - 4).bigEndian, as: UInt32.self)
    }

    private mutating func shortString(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            guard bytes.count <= AMQPOutboundMessage.shortStringLimit else {
                overflowed = true
                return
            }
            integer(UInt8(bytes.count))
            raw(UnsafeRawBufferPointer(bytes))
        }
    }

    private mutating func longString(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            integer(UInt32(bytes.count))
            raw(UnsafeRawBufferPointer(bytes))
        }
    }

    private mutating func longBytes(_ bytes: [UInt8]) {
        integer(UInt32(bytes.count))
        bytes.withUnsafeBytes { raw($0) }
    }

    private mutating func integer<T: FixedWidthInteger>(_ value: T) {
        guard end - position >= MemoryLayout<T>.size else {
            overflowed = true
            return
        }
        position.storeBytes(of: value.bigEndian, as: T.self)
        position += MemoryLayout<T>.size
    }

    private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        guard end - position >= bytes.count else {
            overflowed = true
            return
        }
        if let base = bytes.baseAddress, !bytes.isEmpty { position.copyMemory(from: base, byteCount: bytes.count) }
        position += bytes.count
    }
}
