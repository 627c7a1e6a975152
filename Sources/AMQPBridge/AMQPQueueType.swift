/// Which kind of queue RabbitMQ makes when a queue is declared.
///
/// ```swift
/// let options = AMQPQueueOptions(type: .quorum)   // durable, x-queue-type: quorum
/// try await client.declareQueue("hubd.submit", options: options)
/// ```
package enum AMQPQueueType: String, Sendable, CaseIterable {
    /// RabbitMQ's default: the queue lives on one node of a cluster and is lost with it.
    case classic
    /// Replicated (Raft) across the cluster's nodes: it survives losing a minority of them.
    /// It must be durable, and can be neither exclusive nor auto-delete; some classic
    /// arguments (`x-max-priority`, `x-queue-mode`) do not exist for it.
    case quorum

    /// The `x-queue-type` argument that asks for this kind.
    static let argument = "x-queue-type"
}
