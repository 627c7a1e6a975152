import Hub
import Synchronization

/// The submission queue as the hub's submission source: deliveries become submissions, and a
/// settled batch is acknowledged with one `basic.ack` (multiple) per connection generation.
package final class AMQPSubmissionSource: SubmissionSource {
    private let consumer: AMQPConsumer
    private let origin: SubmissionOrigin
    private let continuation = Mutex<AsyncStream<[Submission]>.Continuation?>(nil)

    /// - Parameter origin: `.gateway` for a party's own queue taken in gateway mode.
    package init(consumer: AMQPConsumer, origin: SubmissionOrigin = .amqp) {
        self.consumer = consumer
        self.origin = origin
    }

    package func submissions() -> AsyncStream<[Submission]> {
        let batches = consumer.batches()
        let (stream, continuation) = AsyncStream<[Submission]>.makeStream()
        self.continuation.withLock { $0 = continuation }
        let pump = Task {
            for await batch in batches {
                continuation.yield(batch.map { Self.submission(AMQP10Ingress.reading($0), origin: origin) })
            }
            continuation.finish()
        }
        // Only when the hub stops listening: after `stop()` (a finish) the consumer must stay
        // open until the hub has acknowledged what it already took; hubd closes it afterwards.
        continuation.onTermination = { termination in
            if case .cancelled = termination { pump.cancel() }
        }
        return stream
    }

    package func settle(_ batch: [Submission], outcomes: [SubmissionOutcome]) async {
        // The pipeline settles batches whole and in order, so acknowledging up to the highest tag
        // of each generation acknowledges exactly what was handled.
        var highest: [UInt64: UInt64] = [:]
        for submission in batch {
            let token = submission.settlement
            highest[token.epoch] = max(highest[token.epoch] ?? 0, token.sequence)
        }
        for (epoch, tag) in highest {
            consumer.ack(upTo: tag, epoch: epoch)
        }
    }

    package func pause() async {
        await consumer.pause()
    }

    package func resume() async {
        await consumer.resume()
    }

    package func stop() async {
        await consumer.pause()
        continuation.withLock { $0?.finish() }
    }

    /// Header values as text: the contract's headers are long strings, but a party that sends a
    /// number, a boolean or UTF-8 bytes means the same text.
    static func text(_ value: AMQPFieldValue) -> String? {
        switch value {
        case .bool(let flag): return flag ? "true" : "false"
        case .double(let number): return String(number)
        case .timestamp(let seconds): return String(seconds)
        case .bytes(let bytes): return String(validating: bytes, as: UTF8.self)
        default: return value.stringValue
        }
    }

    static func submission(_ delivery: AMQPDelivery, origin: SubmissionOrigin = .amqp) -> Submission {
        let properties = delivery.properties
        var headers: [String: String] = [:]
        for (name, value) in properties.headers {
            if let text = Self.text(value) { headers[name] = text }
        }
        return Submission(
            properties: MessageProperties(
                messageId: properties.messageId, correlationId: properties.correlationId, replyTo: properties.replyTo,
                contentType: properties.contentType, type: properties.type, expiration: properties.expiration,
                headers: headers),
            body: delivery.body,
            settlement: SettlementToken(sequence: delivery.deliveryTag, epoch: delivery.epoch), origin: origin)
    }
}
