/// One transport over two: envelopes for the broker (queues, exchanges) go to one, envelopes for HTTP endpoints to
/// the other, each batch split and the outcomes put back in the batch's order.
package struct SplitTransport: OutboundTransport {
    private let queues: any OutboundTransport
    private let endpoints: any OutboundTransport

    package init(queues: any OutboundTransport, endpoints: any OutboundTransport) {
        self.queues = queues
        self.endpoints = endpoints
    }

    package func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome] {
        var toQueues: [Int] = []
        var toEndpoints: [Int] = []
        for (index, envelope) in batch.enumerated() {
            if case .endpoint = envelope.destination { toEndpoints.append(index) } else { toQueues.append(index) }
        }
        var outcomes = [SendOutcome](repeating: .transientFailure("no outcome from the transport"), count: batch.count)
        async let queued = toQueues.isEmpty ? [] : queues.send(toQueues.map { batch[$0] })
        async let pushed = toEndpoints.isEmpty ? [] : endpoints.send(toEndpoints.map { batch[$0] })
        for (index, outcome) in zip(toQueues, await queued) { outcomes[index] = outcome }
        for (index, outcome) in zip(toEndpoints, await pushed) { outcomes[index] = outcome }
        return outcomes
    }
}
