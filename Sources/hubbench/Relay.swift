import AMQPBridge
import Foundation
import Logging

/// The baseline: a raw hop over the same AMQP layer, without hubd. Consumes from one queue,
/// publishes each batch to another with publisher confirms, and acknowledges after the confirm;
/// the same durability as the hub (persistent messages, durable queues), none of its work.
final class Relay: Sendable {
    private let consumer: AMQPConsumer
    private let client: AMQPClient
    private let target: String

    init(settings: AMQPSettings, from source: String, to target: String, logger: Logger) {
        consumer = AMQPConsumer(
            settings: settings, queue: source, options: AMQPQueueOptions(), prefetch: 512, maxBatch: 256, logger: logger)
        client = AMQPClient(settings: settings, name: "bench relay", logger: logger)
        self.target = target
    }

    func run() async {
        for await batch in consumer.batches() {
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
