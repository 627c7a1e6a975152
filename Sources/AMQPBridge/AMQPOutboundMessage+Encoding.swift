/// Whether a message can be put on the wire at all.
///
/// rabbitmq-c writes the `basic.publish` method frame before it encodes the content header, so
/// a property it cannot encode (a `type` over 255 bytes, a header table larger than a frame)
/// fails after half a publish is on the socket, and the connection must be dropped — taking
/// every other message in flight with it. Checked beforehand instead, such a message fails on
/// its own (`AMQPPublishOutcome.unencodable`) and nothing else is touched. The same goes for
/// what the broker would answer by closing the channel: an `expiration` that is not a number.
extension AMQPOutboundMessage {
    /// The AMQP 0-9-1 short string limit.
    static let shortStringLimit = 255

    /// Why the message cannot be published on a connection with this `frameMax`; nil when it can.
    package func encodingProblem(frameMax: Int) -> String? {
        if exchange.utf8.count > Self.shortStringLimit { return "exchange name longer than 255 bytes" }
        if routingKey.utf8.count > Self.shortStringLimit { return "routing key (queue name) longer than 255 bytes" }
        let p = properties
        for field in AMQPProperties.shortStrings {
            if let value = field.value(p), value.utf8.count > Self.shortStringLimit {
                return "property \(field.name) is \(value.utf8.count) bytes; AMQP allows 255"
            }
        }
        if let expiration = p.expiration,
           expiration.isEmpty || !expiration.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return "property expiration is not a number of milliseconds"
        }
        // Deeper tables would not be encoded any better, and walking them could exhaust the stack.
        if Self.deeperThan(Self.maximumNesting, p.headers.values) {
            return "headers nested deeper than \(Self.maximumNesting) levels"
        }
        if let name = Self.overlongKey(in: p.headers) {
            return "header name of \(name.utf8.count) bytes; AMQP allows 255"
        }
        // The content header frame: 7 bytes of frame header and 1 of end marker around class,
        // weight, body size and flags (14 bytes), then the properties.
        let size = 8 + 14 + properties.encodedSize
        if size > frameMax {
            return "properties and headers take \(size) bytes; they must fit one frame of \(frameMax) bytes"
        }
        return nil
    }

    /// The deepest nesting of tables and arrays in headers that is published.
    package static let maximumNesting = 32

    /// Whether any of `values` nests tables or arrays more than `levels` deep; stops looking
    /// at that depth, so its own recursion is bounded.
    private static func deeperThan(_ levels: Int, _ values: some Sequence<AMQPFieldValue>) -> Bool {
        for value in values {
            switch value {
            case .table(let table):
                if levels == 0 || deeperThan(levels - 1, table.values) { return true }
            case .array(let array):
                if levels == 0 || deeperThan(levels - 1, array) { return true }
            default:
                continue
            }
        }
        return false
    }

    private static func overlongKey(in table: [String: AMQPFieldValue]) -> String? {
        for (key, value) in table {
            if key.utf8.count > shortStringLimit { return key }
            if let nested = overlongKey(in: value) { return nested }
        }
        return nil
    }

    private static func overlongKey(in value: AMQPFieldValue) -> String? {
        switch value {
        case .table(let table): overlongKey(in: table)
        case .array(let values): values.lazy.compactMap { overlongKey(in: $0) }.first
        default: nil
        }
    }
}

extension AMQPProperties {
    /// The properties that are short strings, by their AMQP names. Read through this list
    /// rather than a list of their values, which would be built for every message published.
    static let shortStrings: [(name: String, value: @Sendable (AMQPProperties) -> String?)] = [
        ("content_type", { $0.contentType }), ("content_encoding", { $0.contentEncoding }),
        ("correlation_id", { $0.correlationId }), ("reply_to", { $0.replyTo }), ("expiration", { $0.expiration }),
        ("message_id", { $0.messageId }), ("type", { $0.type }), ("user_id", { $0.userId }), ("app_id", { $0.appId }),
    ]

    /// The bytes these properties take in a content header frame, as rabbitmq-c encodes them.
    var encodedSize: Int {
        var size = 0
        for field in Self.shortStrings {
            if let value = field.value(self) { size += 1 + value.utf8.count }
        }
        if !headers.isEmpty { size += Self.tableSize(headers) }
        if deliveryMode != nil { size += 1 }
        if priority != nil { size += 1 }
        if timestamp != nil { size += 8 }
        return size
    }

    private static func tableSize(_ table: [String: AMQPFieldValue]) -> Int {
        4 + table.reduce(0) { $0 + 1 + $1.key.utf8.count + 1 + valueSize($1.value) }
    }

    /// Encoded size of a field value, without its type byte (see `CArena.field`).
    private static func valueSize(_ value: AMQPFieldValue) -> Int {
        switch value {
        case .string(let string): 4 + string.utf8.count
        case .bytes(let bytes), .binaryString(let bytes): 4 + bytes.count
        case .int, .double, .timestamp: 8
        case .bool: 1
        case .void: 0
        case .array(let values): 4 + values.reduce(0) { $0 + 1 + valueSize($1) }
        case .table(let table): tableSize(table)
        }
    }
}
