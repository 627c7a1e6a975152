// Public value types of the AMQP bridge. No rabbitmq-c type appears here.

/// A value in an AMQP field table (message headers, queue arguments).
///
/// Encoding (Swift → wire): `.string` → longstr `S`, `.int` → signed 64-bit `l`,
/// `.bool` → `t`, `.double` → `d`, `.bytes` → byte array `x`, `.timestamp` → `T`,
/// `.void` → `V`, `.array` → `A`, `.table` → `F`, `.binaryString` → longstr `S` with its bytes as
/// they are.
/// Decoding (wire → Swift) also accepts every other integer width (signed and unsigned),
/// 32-bit floats (as `.double`) and decimals (as their decimal `.string`). Unsigned 64-bit
/// values above `Int64.max` decode as their decimal `.string`. A long string that is not valid
/// UTF-8 decodes as `.binaryString`, byte for byte: RabbitMQ's AMQP 1.0 plugin carries encoded
/// 1.0 sections in long strings (`x-amqp-1.0-properties`), and a lossy decode would corrupt them.
package enum AMQPFieldValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case double(Double)
    case bytes([UInt8])
    /// A long string (`S`) of arbitrary bytes, not necessarily UTF-8.
    case binaryString([UInt8])
    case timestamp(UInt64)
    case void
    indirect case array([AMQPFieldValue])
    indirect case table([String: AMQPFieldValue])

    /// The string, or the decimal form of an integer; nil for every other kind.
    package var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .binaryString(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The integer, or a string that parses as a decimal integer.
    package var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .string(let s): return Int64(s)
        default: return nil
        }
    }
}

extension AMQPFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int64) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// Basic content properties of a message (AMQP 0-9-1 `basic` class).
package struct AMQPProperties: Sendable, Equatable {
    package var messageId: String?
    package var correlationId: String?
    package var replyTo: String?
    package var contentType: String?
    package var contentEncoding: String?
    package var type: String?
    package var expiration: String?
    package var userId: String?
    package var appId: String?
    /// 1 = transient, 2 = persistent.
    package var deliveryMode: UInt8?
    package var priority: UInt8?
    /// Seconds since the Unix epoch (AMQP timestamps have second resolution).
    package var timestamp: UInt64?
    /// Empty means "no headers table".
    package var headers: [String: AMQPFieldValue]

    package init(
        messageId: String? = nil, correlationId: String? = nil, replyTo: String? = nil,
        contentType: String? = nil, contentEncoding: String? = nil, type: String? = nil,
        expiration: String? = nil, userId: String? = nil, appId: String? = nil,
        deliveryMode: UInt8? = nil, priority: UInt8? = nil, timestamp: UInt64? = nil,
        headers: [String: AMQPFieldValue] = [:]
    ) {
        self.messageId = messageId
        self.correlationId = correlationId
        self.replyTo = replyTo
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.type = type
        self.expiration = expiration
        self.userId = userId
        self.appId = appId
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.timestamp = timestamp
        self.headers = headers
    }

    /// `delivery_mode` 2.
    package static let persistentDeliveryMode: UInt8 = 2
    package var isPersistent: Bool { deliveryMode == Self.persistentDeliveryMode }
}

/// A message to publish.
package struct AMQPOutboundMessage: Sendable {
    /// "" is the default exchange: the routing key is the queue name.
    package var exchange: String
    package var routingKey: String
    /// When true, an unroutable message comes back as `.returned` instead of being dropped.
    package var mandatory: Bool
    package var properties: AMQPProperties
    package var body: [UInt8]

    package init(exchange: String = "", routingKey: String, mandatory: Bool = true,
                properties: AMQPProperties = AMQPProperties(deliveryMode: 2), body: [UInt8]) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.mandatory = mandatory
        self.properties = properties
        self.body = body
    }
}

/// What became of one published message.
package enum AMQPPublishOutcome: Sendable, Equatable {
    /// The broker confirmed it (basic.ack): it is on a queue (and on disk for persistent
    /// messages on durable queues).
    case confirmed
    /// A mandatory message that could not be routed (e.g. 312 NO_ROUTE: the queue does not
    /// exist). The broker acked it afterwards, but it is on no queue.
    case returned(replyCode: Int, replyText: String)
    /// The broker refused it (basic.nack), e.g. a full queue with `x-overflow: reject-publish`.
    case nacked
    /// No confirmation could be obtained (connection down past the retry budget, a channel
    /// error such as a missing exchange, the client closed, ...). The message may or may not
    /// have reached the broker: publish it again (receivers deduplicate on message_id).
    case failed(String)
    /// It cannot be put on the wire at all (`AMQPOutboundMessage.encodingProblem`): nothing was
    /// sent, and sending it again would fail the same way.
    case unencodable(String)

    package var isConfirmed: Bool { self == .confirmed }
}

/// A message received by an `AMQPConsumer` (or fetched by `AMQPClient.get`).
package struct AMQPDelivery: Sendable {
    package var deliveryTag: UInt64
    /// Channel generation the tag belongs to. Acks carrying an older epoch are dropped
    /// (the broker has already requeued those deliveries).
    package var epoch: UInt64
    package var redelivered: Bool
    package var exchange: String
    package var routingKey: String
    package var properties: AMQPProperties
    package var body: [UInt8]

    package init(deliveryTag: UInt64, epoch: UInt64, redelivered: Bool, exchange: String,
                routingKey: String, properties: AMQPProperties, body: [UInt8]) {
        self.deliveryTag = deliveryTag
        self.epoch = epoch
        self.redelivered = redelivered
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.body = body
    }
}

/// How a queue is declared.
package struct AMQPQueueOptions: Sendable, Equatable {
    package var durable: Bool
    /// e.g. `["x-queue-type": "quorum"]`, `["x-max-length": 1000, "x-overflow": "reject-publish"]`.
    package var arguments: [String: AMQPFieldValue]

    package init(durable: Bool = true, arguments: [String: AMQPFieldValue] = [:]) {
        self.durable = durable
        self.arguments = arguments
    }

    /// A durable queue of `type`, with `arguments` besides the type (a classic queue carries
    /// no `x-queue-type`, so it matches queues declared before there was a choice).
    package init(type: AMQPQueueType, arguments: [String: AMQPFieldValue] = [:]) {
        var arguments = arguments
        arguments[AMQPQueueType.argument] = type == .classic ? nil : .string(type.rawValue)
        self.init(durable: true, arguments: arguments)
    }

    /// Durable classic queue.
    package static let durable = AMQPQueueOptions()
    /// Durable quorum queue.
    package static let quorum = AMQPQueueOptions(type: .quorum)

    /// The kind of queue these options declare.
    package var type: AMQPQueueType {
        arguments[AMQPQueueType.argument]?.stringValue == AMQPQueueType.quorum.rawValue ? .quorum : .classic
    }
}

/// Result of `AMQPClient.declareQueue`.
package enum AMQPDeclareResult: Sendable, Equatable {
    /// Declared (created, or it already existed with equivalent arguments).
    case declared
    /// The queue exists with different arguments (406 PRECONDITION_FAILED). It exists and
    /// can be used; the channel was reopened. The text is the broker's.
    case existsWithDifferentArguments(String)
}

/// Errors of the AMQP bridge. `description` is meant for operators; it never contains a
/// password.
package enum AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be parsed.
    case invalidURL(String)
    /// TCP connection refused / host unreachable / name not resolvable.
    case connectionRefused(address: String, detail: String)
    /// The broker refused the credentials (403 ACCESS_REFUSED) or closed the socket during login.
    case loginFailed(address: String, user: String, detail: String)
    /// TLS set-up or handshake failed.
    case tls(String)
    /// Every node of a list of several was tried and none could be used: each one's error, in
    /// the order they were tried.
    case noBrokerAnswered([String])
    /// A socket or library error on an established connection.
    case socket(String)
    /// An operation did not complete in time.
    case timeout(String)
    /// The broker closed the channel (e.g. 404 NOT_FOUND, 406 PRECONDITION_FAILED, 403).
    case channelClosed(code: Int, text: String)
    /// The broker closed the connection (e.g. 320 CONNECTION_FORCED on shutdown, 530 vhost).
    case connectionClosed(code: Int, text: String)
    /// A passive declare found no such queue (404).
    case queueNotFound(String)
    /// The client or consumer was closed.
    case closed
    /// Unexpected protocol state.
    case protocolError(String)
    /// A value AMQP cannot carry (a queue name over 255 bytes); nothing was sent.
    case invalidArgument(String)

    package var description: String {
        switch self {
        case .invalidURL(let s): return "invalid AMQP URL: \(s)"
        case .connectionRefused(let a, let d): return "cannot connect to AMQP broker \(a): \(d)"
        case .loginFailed(let a, let u, let d): return "AMQP login to \(a) as '\(u)' failed: \(d)"
        case .tls(let s): return "AMQP TLS error: \(s)"
        case .noBrokerAnswered(let errors):
            return "no AMQP broker of the \(errors.count) in the list could be used: " + errors.joined(separator: "; ")
        case .socket(let s): return "AMQP connection error: \(s)"
        case .timeout(let s): return "AMQP timeout: \(s)"
        case .channelClosed(let c, let t): return "AMQP channel closed by broker: \(c) \(t)"
        case .connectionClosed(let c, let t): return "AMQP connection closed by broker: \(c) \(t)"
        case .queueNotFound(let q): return "AMQP queue '\(q)' does not exist"
        case .closed: return "AMQP client closed"
        case .protocolError(let s): return "AMQP protocol error: \(s)"
        case .invalidArgument(let s): return "AMQP cannot carry this: \(s)"
        }
    }

    /// True when the channel alone is affected and the connection is still usable.
    package var isChannelLevel: Bool {
        switch self {
        case .channelClosed, .queueNotFound: return true
        default: return false
        }
    }
}
