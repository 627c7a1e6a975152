import Hub

/// Receivers' queues as the hub's outbound transport: persistent, mandatory publishes through
/// the default exchange, `sent` only on the broker's confirm.
///
/// Parties' queues belong to the bus operator: by default they are published to without being
/// declared, and a queue that does not exist comes back as a return (312 NO_ROUTE), which is
/// retried like any transient failure ("receiver queue missing"). Local set-ups may have every
/// queue declared on first use instead (`declaring`).
package final class AMQPQueueTransport: OutboundTransport {
    private let client: AMQPClient
    private let declaring: AMQPQueueOptions?

    /// What the status says when a receiver's queue does not exist.
    package static let missingQueue = "receiver queue missing"

    /// - Parameter declaring: when set, every queue published to is declared first with these
    ///   options (`declare_queues = all`); when nil, only queues declared through `client`
    ///   beforehand (the hub's own) are (re-)declared.
    package init(client: AMQPClient, declaring: AMQPQueueOptions?) {
        self.client = client
        self.declaring = declaring
    }

    /// Sends envelopes for queues and exchanges; one for an HTTP endpoint fails for good (the
    /// hub gives those to their own transport).
    package func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome] {
        var outcomes = [SendOutcome](repeating: .permanentFailure("not a queue: AMQP cannot deliver it"), count: batch.count)
        var positions: [Int] = []
        var messages: [AMQPOutboundMessage] = []
        messages.reserveCapacity(batch.count)
        // By index: a loop variable would copy every envelope, headers and all.
        for index in batch.indices {
            let exchange: String, routingKey: String, queue: String?
            switch batch[index].destination {
            case .queue(let name): (exchange, routingKey, queue) = ("", name, name)
            case .exchange(let name, let key): (exchange, routingKey, queue) = (name, key, nil)
            case .endpoint: continue
            }
            let properties = batch[index].properties
            // Sized for the headers and the two 1.0 sections: a table the size of the headers
            // would be rehashed whole to take them.
            var headers = [String: AMQPFieldValue](minimumCapacity: properties.headers.count + 2)
            for (name, value) in properties.headers { headers[name] = .string(value) }
            // Everything hubd publishes is readable by AMQP 1.0 consumers too (AMQP10Egress).
            AMQP10Egress.addHeaders(for: properties, to: queue, into: &headers)
            positions.append(index)
            messages.append(AMQPOutboundMessage(
                // A queue must exist (a return is "receiver queue missing"); an exchange may
                // route to no queue at all when no subscriber's binding matches.
                exchange: exchange, routingKey: routingKey, mandatory: exchange.isEmpty,
                properties: AMQPProperties(
                    messageId: properties.messageId, correlationId: properties.correlationId,
                    replyTo: properties.replyTo, contentType: properties.contentType, type: properties.type,
                    expiration: properties.expiration, deliveryMode: AMQPProperties.persistentDeliveryMode,
                    headers: headers),
                body: batch[index].body))
        }
        let published = await client.publish(messages, declaring: declaring).map { outcome -> SendOutcome in
            switch outcome {
            case .confirmed: .sent
            case .returned(312, _): .transientFailure(Self.missingQueue)
            case .returned(let code, let text): .transientFailure("returned by the broker: \(code) \(text)")
            case .nacked: .transientFailure("refused by the broker (basic.nack)")
            case .failed(let reason): .transientFailure(reason)
            case .unencodable(let reason): .permanentFailure("cannot be sent over AMQP: \(reason)")
            }
        }
        for (index, outcome) in zip(positions, published) { outcomes[index] = outcome }
        return outcomes
    }
}
