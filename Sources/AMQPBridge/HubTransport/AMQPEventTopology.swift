import Hub

/// Subscribers' event queues on the broker: the topic exchange, a durable queue per
/// subscriber, and its bindings.
package struct AMQPEventTopology: EventTopology {
    private let client: AMQPClient
    private let queueOptions: AMQPQueueOptions

    /// - Parameter queueOptions: how subscriber queues are declared (classic or quorum).
    package init(client: AMQPClient, queueOptions: AMQPQueueOptions = .durable) {
        self.client = client
        self.queueOptions = queueOptions
    }

    package func apply(queue: String, bind: [String], unbind: [String]) async throws {
        try await client.declareExchange(EventRouting.exchange, type: "topic")
        try await client.declareQueue(queue, options: queueOptions)
        for key in unbind { try await client.unbind(queue: queue, exchange: EventRouting.exchange, routingKey: key) }
        for key in bind { try await client.bind(queue: queue, exchange: EventRouting.exchange, routingKey: key) }
    }
}
