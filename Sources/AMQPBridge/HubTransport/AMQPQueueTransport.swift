import Hub

/// Receivers' queues as the hub's outbound transport: persistent, mandatory publishes through
/// the default exchange, `sent` only on the broker's confirm. Queues are declared on first use.
package final class AMQPQueueTransport: OutboundTransport {
    private let client: AMQPClient
    private let queueOptions: AMQPQueueOptions

    package init(client: AMQPClient, queueOptions: AMQPQueueOptions) {
        self.client = client
        self.queueOptions = queueOptions
    }

    package func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome] {
        let messages = batch.map { envelope in
            let properties = envelope.properties
            return AMQPOutboundMessage(
                routingKey: envelope.queue, mandatory: true,
                properties: AMQPProperties(
                    messageId: properties.messageId, correlationId: properties.correlationId,
                    replyTo: properties.replyTo, contentType: properties.contentType, type: properties.type,
                    expiration: properties.expiration, deliveryMode: AMQPProperties.persistentDeliveryMode,
                    headers: properties.headers.mapValues { .string($0) }),
                body: envelope.body)
        }
        return await client.publish(messages, declaring: queueOptions).map { outcome in
            switch outcome {
            case .confirmed: .sent
            case .returned(let code, let text): .transientFailure("returned by the broker: \(code) \(text)")
            case .nacked: .transientFailure("refused by the broker (basic.nack)")
            case .failed(let reason): .transientFailure(reason)
            }
        }
    }
}
