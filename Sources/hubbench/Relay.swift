import AMQPBridge
import Foundation
import Hub
import Logging

/// The baseline: a raw hop over the same AMQP layer, without hubd. Consumes from one queue,
/// publishes each batch to another with publisher confirms, and acknowledges after the confirm;
/// the same durability as the hub (persistent messages, durable queues), none of its work.
final class Relay: Sendable {
    private let consumer: AMQPConsumer
    private let client: AMQPClient
    private let target: String
    private let limit: Int

    init(settings: AMQPSettings, from source: String, to target: String, batch: Int, logger: Logger) {
        consumer = AMQPConsumer(
            settings: settings, queue: source, options: AMQPQueueOptions(), prefetch: UInt16(clamping: batch * 2),
            maxBatch: batch, logger: logger)
        client = AMQPClient(settings: settings, name: "bench relay", logger: logger)
        self.target = target
        limit = max(batch, 1000)
    }

    /// Relays until closed. Like hubd, it takes everything that arrived while it waited for the
    /// last confirms as its next batch, so both sides batch alike.
    func run() async {
        let buffer = BatchBuffer<AMQPDelivery>()
        let deliveries = consumer.batches()
        let feeder = Task {
            for await batch in deliveries { buffer.append(batch) }
            buffer.finish()
        }
        defer { feeder.cancel() }
        while let batch = await buffer.take(limit: limit) {
            let messages = batch.map { delivery in
                var properties = delivery.properties
                properties.deliveryMode = AMQPProperties.persistentDeliveryMode
                return AMQPOutboundMessage(routingKey: target, mandatory: true, properties: properties, body: delivery.body)
            }
            let outcomes = await client.publish(messages, declaring: AMQPQueueOptions())
            if outcomes.allSatisfy({ $0 == .confirmed }), let last = batch.last {
                consumer.ack(upTo: last.deliveryTag, epoch: last.epoch)
            }
        }
    }

    func close() async {
        await consumer.close()
        await client.close()
    }
}
