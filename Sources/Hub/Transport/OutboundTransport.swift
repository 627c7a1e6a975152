/// Carries messages to their destinations (receivers' queues; later REST endpoints).
package protocol OutboundTransport: Sendable {
    /// Sends a batch, with as many in flight at once as the transport allows.
    /// Returns one outcome per envelope, in the same order.
    func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome]
}
