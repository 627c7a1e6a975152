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
        // By index, and the batch itself when it goes one way: every copy of an envelope
        // retains each of its strings and arrays.
        for index in batch.indices {
            if case .endpoint = batch[index].destination { toEndpoints.append(index) } else { toQueues.append(index) }
        }
        if toEndpoints.isEmpty { return batch.isEmpty ? [] : await queues.send(batch) }
        if toQueues.isEmpty { return await endpoints.send(batch) }
        var outcomes = [SendOutcome](repeating: .transientFailure("no outcome from the transport"), count: batch.count)
        async let queued = queues.send(toQueues.map { batch[$0] })
        async let pushed = endpoints.send(toEndpoints.map { batch[$0] })
        for (index, outcome) in zip(toQueues, await queued) { outcomes[index] = outcome }
        for (index, outcome) in zip(toEndpoints, await pushed) { outcomes[index] = outcome }
        return outcomes
    }
}
