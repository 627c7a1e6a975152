import Hub

/// The submission queue as the hub's submission source: deliveries become submissions, and a
/// settled batch is acknowledged with one `basic.ack` (multiple) per connection generation.
package final class AMQPSubmissionSource: SubmissionSource {
    private let consumer: AMQPConsumer
    private let origin: SubmissionOrigin

    /// - Parameter origin: `.gateway` for a party's own queue taken in gateway mode.
    package init(consumer: AMQPConsumer, origin: SubmissionOrigin = .amqp) {
        self.consumer = consumer
        self.origin = origin
    }

    /// The consumer's batches, each turned into submissions by the task that iterates the
    /// stream: no task of its own in between, which would be one more hand-off per batch.
    /// Cancelling the iterating task closes the consumer (what was not acknowledged goes back
    /// to the queue); `stop()` ends the stream without closing it.
    package func submissions() -> AsyncStream<[Submission]> {
        let batches = Batches(consumer.batches().makeAsyncIterator())
        let consumer = self.consumer
        return AsyncStream(
            unfolding: { [origin] in
                await batches.next()?.map { Self.submission(AMQP10Ingress.reading($0), origin: origin) }
            },
            onCancel: { Task { await consumer.close() } })
    }

    /// The consumer's iterator, for the one task that iterates the submissions.
    private final class Batches: @unchecked Sendable {
        private var iterator: AsyncStream<[AMQPDelivery]>.Iterator

        init(_ iterator: AsyncStream<[AMQPDelivery]>.Iterator) {
            self.iterator = iterator
        }

        func next() async -> [AMQPDelivery]? {
            await iterator.next()
        }
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
        consumer.finishBatches()
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
        var headers: [MessageHeaders.Element] = []
        headers.reserveCapacity(properties.headers.count)
        for (name, value) in properties.headers {
            if let text = Self.text(value) { headers.append((key: name, value: text)) }
        }
        return Submission(
            properties: MessageProperties(
                messageId: properties.messageId, correlationId: properties.correlationId, replyTo: properties.replyTo,
                contentType: properties.contentType, type: properties.type, expiration: properties.expiration,
                headers: MessageHeaders(headers)),
            body: delivery.body,
            settlement: SettlementToken(sequence: delivery.deliveryTag, epoch: delivery.epoch), origin: origin)
    }
}
