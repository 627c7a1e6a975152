// Conversions between Swift values and rabbitmq-c structures. Internal; thread-agnostic.

import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// malloc'd storage that lives as long as the arena. Used to build C structures
/// (tables, properties) whose pointers must stay valid across a rabbitmq-c call.
/// Not Sendable: create and use on one thread.
final class CArena {
    /// Carved from in order: a published message needs some thirty small pieces (each header's
    /// key and value), and one allocation for all of them costs far less than one each.
    private var blocks: [UnsafeMutableRawPointer] = []
    private var next: UnsafeMutableRawPointer?
    private var left = 0
    private static let blockSize = 4096
    private static let alignment = 16

    init() {}

    deinit {
        for b in blocks { free(b) }
    }

    private func alloc(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (max(size, 1) + Self.alignment - 1) & ~(Self.alignment - 1)
        if rounded > left {
            let capacity = max(rounded, Self.blockSize)
            guard let block = malloc(capacity) else { fatalError("out of memory") }
            blocks.append(block)
            next = block
            left = capacity
        }
        guard let p = next else { fatalError("out of memory") }
        next = p + rounded
        left -= rounded
        return p
    }

    func bytes(_ s: String) -> amqp_bytes_t {
        var s = s
        return s.withUTF8 { buf in bytes(UnsafeRawBufferPointer(buf)) }
    }

    func bytes(_ a: [UInt8]) -> amqp_bytes_t {
        a.withUnsafeBytes { bytes($0) }
    }

    func bytes(_ raw: UnsafeRawBufferPointer) -> amqp_bytes_t {
        // Always a valid pointer, NUL-terminated (rabbitmq-c treats some as C strings).
        let p = alloc(raw.count + 1)
        if let base = raw.baseAddress, raw.count > 0 { p.copyMemory(from: base, byteCount: raw.count) }
        p.storeBytes(of: 0, toByteOffset: raw.count, as: UInt8.self)
        return amqp_bytes_t(len: raw.count, bytes: p)
    }

    /// A C string that lives as long as the arena.
    func cString(_ s: String) -> UnsafePointer<CChar> {
        let b = bytes(s)
        return UnsafePointer(b.bytes!.assumingMemoryBound(to: CChar.self))
    }

    func table(_ dict: [String: AMQPFieldValue]) -> amqp_table_t {
        if dict.isEmpty { return amqp_table_t(num_entries: 0, entries: nil) }
        // In the dictionary's own order: a field table is read by name (the broker and clients
        // look headers up), and sorting copied and compared the headers of every message
        // published, 1 % of hubd's CPU.
        let raw = alloc(MemoryLayout<amqp_table_entry_t>.stride * dict.count)
        let entries = raw.bindMemory(to: amqp_table_entry_t.self, capacity: dict.count)
        var i = 0
        for (key, value) in dict {
            (entries + i).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(value)))
            i += 1
        }
        return amqp_table_t(num_entries: Int32(i), entries: entries)
    }

    func array(_ values: [AMQPFieldValue]) -> amqp_array_t {
        if values.isEmpty { return amqp_array_t(num_entries: 0, entries: nil) }
        let raw = alloc(MemoryLayout<amqp_field_value_t>.stride * values.count)
        let entries = raw.bindMemory(to: amqp_field_value_t.self, capacity: values.count)
        for (i, v) in values.enumerated() {
            (entries + i).initialize(to: field(v))
        }
        return amqp_array_t(num_entries: Int32(values.count), entries: entries)
    }

    func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var f = amqp_field_value_t()
        switch value {
        case .string(let s):
            f.kind = UInt8(ascii: "S"); f.value.bytes = bytes(s)
        case .int(let i):
            f.kind = UInt8(ascii: "l"); f.value.i64 = i
        case .bool(let b):
            f.kind = UInt8(ascii: "t"); f.value.boolean = b ? 1 : 0
        case .double(let d):
            f.kind = UInt8(ascii: "d"); f.value.f64 = d
        case .bytes(let a):
            f.kind = UInt8(ascii: "x"); f.value.bytes = bytes(a)
        case .binaryString(let a):
            f.kind = UInt8(ascii: "S"); f.value.bytes = bytes(a)
        case .timestamp(let t):
            f.kind = UInt8(ascii: "T"); f.value.u64 = t
        case .void:
            f.kind = UInt8(ascii: "V")
        case .array(let a):
            f.kind = UInt8(ascii: "A"); f.value.array = array(a)
        case .table(let t):
            f.kind = UInt8(ascii: "F"); f.value.table = table(t)
        }
        return f
    }

    /// Fills an `amqp_basic_properties_t` whose pointers live in this arena.
    func properties(_ p: AMQPProperties) -> amqp_basic_properties_t {
        var c = amqp_basic_properties_t()
        var flags: Int32 = 0
        if let v = p.contentType { c.content_type = bytes(v); flags |= AMQP_BASIC_CONTENT_TYPE_FLAG }
        if let v = p.contentEncoding { c.content_encoding = bytes(v); flags |= AMQP_BASIC_CONTENT_ENCODING_FLAG }
        if !p.headers.isEmpty { c.headers = table(p.headers); flags |= AMQP_BASIC_HEADERS_FLAG }
        if let v = p.deliveryMode { c.delivery_mode = v; flags |= AMQP_BASIC_DELIVERY_MODE_FLAG }
        if let v = p.priority { c.priority = v; flags |= AMQP_BASIC_PRIORITY_FLAG }
        if let v = p.correlationId { c.correlation_id = bytes(v); flags |= AMQP_BASIC_CORRELATION_ID_FLAG }
        if let v = p.replyTo { c.reply_to = bytes(v); flags |= AMQP_BASIC_REPLY_TO_FLAG }
        if let v = p.expiration { c.expiration = bytes(v); flags |= AMQP_BASIC_EXPIRATION_FLAG }
        if let v = p.messageId { c.message_id = bytes(v); flags |= AMQP_BASIC_MESSAGE_ID_FLAG }
        if let v = p.timestamp { c.timestamp = v; flags |= AMQP_BASIC_TIMESTAMP_FLAG }
        if let v = p.type { c.type = bytes(v); flags |= AMQP_BASIC_TYPE_FLAG }
        if let v = p.userId { c.user_id = bytes(v); flags |= AMQP_BASIC_USER_ID_FLAG }
        if let v = p.appId { c.app_id = bytes(v); flags |= AMQP_BASIC_APP_ID_FLAG }
        c._flags = amqp_flags_t(flags)
        return c
    }
}

// MARK: - Decoding (copies everything out of rabbitmq-c memory)

enum CDecode {
    /// The bytes in place, valid while rabbitmq-c's buffer is. `len == 0` may come with a NULL
    /// pointer; so, read defensively, may any length.
    static func view(_ b: amqp_bytes_t) -> UnsafeRawBufferPointer {
        guard b.len > 0, let p = b.bytes else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: b.len)
    }

    /// Copies bytes out.
    static func bytes(_ b: amqp_bytes_t) -> [UInt8] { Array(view(b)) }

    static func string(_ b: amqp_bytes_t) -> String { String(decoding: view(b), as: UTF8.self) }

    static func table(_ t: amqp_table_t, depth: Int = 0) -> [String: AMQPFieldValue] {
        guard t.num_entries > 0, let entries = t.entries else { return [:] }
        var out: [String: AMQPFieldValue] = [:]
        out.reserveCapacity(Int(t.num_entries))
        for i in 0..<Int(t.num_entries) {
            let e = entries[i]
            out[string(e.key)] = field(e.value, depth: depth)
        }
        return out
    }

    static func field(_ f: amqp_field_value_t, depth: Int = 0) -> AMQPFieldValue {
        let v = f.value
        switch f.kind {
        case UInt8(ascii: "S"):
            // Kept byte for byte when it is not text (an AMQP 1.0 section from the 1.0 plugin).
            // Text, nearly every header, is checked in place rather than copied out first.
            let raw = view(v.bytes)
            return String(validating: raw, as: UTF8.self).map(AMQPFieldValue.string) ?? .binaryString(Array(raw))
        case UInt8(ascii: "x"): return .bytes(bytes(v.bytes))
        case UInt8(ascii: "t"): return .bool(v.boolean != 0)
        case UInt8(ascii: "b"): return .int(Int64(v.i8))
        case UInt8(ascii: "B"): return .int(Int64(v.u8))
        case UInt8(ascii: "s"): return .int(Int64(v.i16))
        case UInt8(ascii: "u"): return .int(Int64(v.u16))
        case UInt8(ascii: "I"): return .int(Int64(v.i32))
        case UInt8(ascii: "i"): return .int(Int64(v.u32))
        case UInt8(ascii: "l"): return .int(v.i64)
        case UInt8(ascii: "L"):
            return v.u64 <= UInt64(Int64.max) ? .int(Int64(v.u64)) : .string(String(v.u64))
        case UInt8(ascii: "f"): return .double(Double(v.f32))
        case UInt8(ascii: "d"): return .double(v.f64)
        case UInt8(ascii: "T"): return .timestamp(v.u64)
        case UInt8(ascii: "D"): return .string(decimalString(v.decimal))
        case UInt8(ascii: "V"): return .void
        case UInt8(ascii: "F"):
            // Bounded nesting: deeper levels decode as .void rather than recursing forever.
            return depth < 16 ? .table(table(v.table, depth: depth + 1)) : .void
        case UInt8(ascii: "A"):
            guard depth < 16 else { return .void }
            var arr: [AMQPFieldValue] = []
            if v.array.num_entries > 0, let entries = v.array.entries {
                arr.reserveCapacity(Int(v.array.num_entries))
                for i in 0..<Int(v.array.num_entries) { arr.append(field(entries[i], depth: depth + 1)) }
            }
            return .array(arr)
        default: return .void
        }
    }

    static func decimalString(_ d: amqp_decimal_t) -> String {
        var digits = String(d.value)
        let places = Int(d.decimals)
        guard places > 0 else { return digits }
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        let idx = digits.index(digits.endIndex, offsetBy: -places)
        return digits[..<idx] + "." + digits[idx...]
    }

    static func properties(_ c: amqp_basic_properties_t) -> AMQPProperties {
        let f = Int32(bitPattern: c._flags)
        func has(_ flag: Int32) -> Bool { f & flag != 0 }
        var p = AMQPProperties()
        if has(AMQP_BASIC_CONTENT_TYPE_FLAG) { p.contentType = string(c.content_type) }
        if has(AMQP_BASIC_CONTENT_ENCODING_FLAG) { p.contentEncoding = string(c.content_encoding) }
        if has(AMQP_BASIC_HEADERS_FLAG) { p.headers = table(c.headers) }
        if has(AMQP_BASIC_DELIVERY_MODE_FLAG) { p.deliveryMode = c.delivery_mode }
        if has(AMQP_BASIC_PRIORITY_FLAG) { p.priority = c.priority }
        if has(AMQP_BASIC_CORRELATION_ID_FLAG) { p.correlationId = string(c.correlation_id) }
        if has(AMQP_BASIC_REPLY_TO_FLAG) { p.replyTo = string(c.reply_to) }
        if has(AMQP_BASIC_EXPIRATION_FLAG) { p.expiration = string(c.expiration) }
        if has(AMQP_BASIC_MESSAGE_ID_FLAG) { p.messageId = string(c.message_id) }
        if has(AMQP_BASIC_TIMESTAMP_FLAG) { p.timestamp = c.timestamp }
        if has(AMQP_BASIC_TYPE_FLAG) { p.type = string(c.type) }
        if has(AMQP_BASIC_USER_ID_FLAG) { p.userId = string(c.user_id) }
        if has(AMQP_BASIC_APP_ID_FLAG) { p.appId = string(c.app_id) }
        return p
    }
}

// MARK: - Misc helpers

enum CStatus {
    static func text(_ status: Int32) -> String {
        if let s = amqp_error_string2(status) { return String(cString: s) }
        return "status \(status)"
    }

    static func isTimeout(_ status: Int32) -> Bool { status == AMQP_STATUS_TIMEOUT.rawValue }
}

extension Duration {
    var asTimeval: timeval {
        let (s, attos) = components
        if s < 0 { return timeval(tv_sec: 0, tv_usec: 0) }
        return timeval(tv_sec: Int(s), tv_usec: Int(attos / 1_000_000_000_000))
    }

    var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }

    var milliseconds: Int64 {
        let (s, attos) = components
        return s * 1000 + attos / 1_000_000_000_000_000
    }
}

/// Ignores SIGPIPE once per process: a write to a socket the broker closed must give
/// EPIPE, not kill the daemon. (rabbitmq-c's TCP socket uses MSG_NOSIGNAL, OpenSSL does not.)
let ignoreSIGPIPEOnce: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()
