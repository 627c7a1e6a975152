import CRabbitMQ

/// Publishing with confirms: pipelined, republished on a new connection when one breaks.
extension ClientCore {
    func publishJob(_ batch: [AMQPOutboundMessage], declaring: AMQPQueueOptions?) -> [AMQPPublishOutcome] {
        var outcomes = [AMQPPublishOutcome?](repeating: nil, count: batch.count)
        let started = ContinuousClock.now
        let deadline = started + policy.retryWindow
        var attempt = 0
        var lastError: AMQPError?
        while outcomes.contains(where: { $0 == nil }) {
            if attempt > 0 && mailbox.isClosed {
                for i in outcomes.indices where outcomes[i] == nil {
                    outcomes[i] = .failed("client closed before confirmation: \(lastError?.description ?? "")")
                }
                break
            }
            if attempt >= policy.maxAttempts || (attempt > 0 && ContinuousClock.now >= deadline) {
                let secs = ((ContinuousClock.now - started).seconds * 10).rounded() / 10
                let why = "not confirmed after \(attempt) attempt(s) in \(secs) s: \(lastError?.description ?? "unknown error")"
                for i in outcomes.indices where outcomes[i] == nil { outcomes[i] = .failed(why) }
                logger.warning("AMQP publish gave up", metadata: ["error": "\(why)"])
                break
            }
            attempt += 1
            do {
                let c = try connection(until: deadline)
                if try publishAttempt(c, batch, declaring: declaring, outcomes: &outcomes) { retireChannel(c) }
            } catch {
                lastError = error
                if error.isChannelLevel && (conn?.isOpen ?? false) {
                    confirmMode = false
                    logger.warning("AMQP channel error while publishing; reopening the channel",
                                   metadata: ["error": "\(error)"])
                } else if conn != nil {
                    // Broken (or unresponsive) connection: drop it; unconfirmed messages are
                    // republished on the next one.
                    lost(error)
                }
            }
        }
        return outcomes.map { $0 ?? .failed("no outcome recorded") }
    }

    /// Publishes go on over a new channel after the broker nacked one: a channel opened on a
    /// node while another node was leaving the cluster was seen to have every publish to a
    /// quorum queue nacked for minutes, long after the queue had a new leader (RabbitMQ 3.10).
    /// Other nacks (a full queue that rejects publishes) are rare enough for a new channel to
    /// cost nothing that matters.
    private func retireChannel(_ c: AMQPConnection) {
        logger.info("AMQP publish nacked by the broker; the next publish opens a new channel",
                    metadata: ["amqp.node": "\(c.settings.address)"])
        do {
            try c.closeChannel()
        } catch {
            lost(error)
        }
    }

    /// One attempt at publishing what has no outcome yet; true when the broker nacked any of it.
    private func publishAttempt(_ c: AMQPConnection, _ batch: [AMQPOutboundMessage], declaring: AMQPQueueOptions?,
                                outcomes: inout [AMQPPublishOutcome?]) throws(AMQPError) -> Bool {
        // 0. What cannot be encoded fails on its own, before anything about it is written.
        let frameMax = c.frameMax
        for index in batch.indices where outcomes[index] == nil {
            if let problem = batch[index].encodingProblem(frameMax: frameMax) { outcomes[index] = .unencodable(problem) }
        }
        // 1. Declare queues (once per connection).
        if declaring != nil || !knownQueues.isEmpty {
            var seen = Set<String>()
            // By index: a loop variable would copy every message, headers and all.
            for i in batch.indices where outcomes[i] == nil && batch[i].exchange.isEmpty {
                let q = batch[i].routingKey
                guard !q.isEmpty, !q.hasPrefix("amq."), !declared.contains(q), seen.insert(q).inserted else { continue }
                guard let opts = knownQueues[q] ?? declaring else { continue }
                do {
                    _ = try declareOnChannel(c, q, opts)
                } catch {
                    guard error.isChannelLevel else { throw error }
                    try ready(c)
                    logger.warning("AMQP cannot declare queue", metadata: ["amqp.queue": "\(q)", "error": "\(error)"])
                    for j in batch.indices where outcomes[j] == nil && batch[j].exchange.isEmpty && batch[j].routingKey == q {
                        outcomes[j] = .failed("cannot declare queue '\(q)': \(error)")
                    }
                }
            }
        }
        // 2. Check named exchanges (a publish to a missing exchange would close the channel
        //    without telling which message caused it).
        var seenEx = Set<String>()
        for i in batch.indices where outcomes[i] == nil && !batch[i].exchange.isEmpty {
            let ex = batch[i].exchange
            guard !exchangesOK.contains(ex), seenEx.insert(ex).inserted else { continue }
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            _ = amqp_exchange_declare(st, c.channel, arena.bytes(ex), arena.bytes(""), 1, 0, 0, 0, amqp_empty_table)
            do {
                try c.checkLastReply("exchange.declare(passive) '\(ex)'")
                exchangesOK.insert(ex)
            } catch {
                guard error.isChannelLevel else { throw error }
                try ready(c)
                for j in batch.indices where outcomes[j] == nil && batch[j].exchange == ex {
                    outcomes[j] = .failed("exchange '\(ex)' is not usable: \(error)")
                }
            }
        }
        // 3. Pipeline.
        try ready(c)
        let todo = batch.indices.filter { outcomes[$0] == nil }
        if todo.isEmpty { return false }
        var pipe = ConfirmTracker(firstTag: publishSeq + 1, capacity: todo.count)
        var lastProgress = ContinuousClock.now
        var nacked = false

        func handle(_ ev: InboundEvent) throws(AMQPError) {
            switch ev {
            case .basicAck(let ch, let tag, let multiple) where ch == c.channel:
                if pipe.settle(tag: tag, multiple: multiple, nack: false, batch: batch, outcomes: &outcomes) > 0 {
                    lastProgress = .now
                }
            case .basicNack(let ch, let tag, let multiple) where ch == c.channel:
                if pipe.settle(tag: tag, multiple: multiple, nack: true, batch: batch, outcomes: &outcomes) > 0 {
                    lastProgress = .now
                    nacked = true
                }
            case .basicReturn(let ch, let code, let text, let ex, let rk, let mid) where ch == c.channel:
                pipe.noteReturn(code: code, text: text, exchange: ex, routingKey: rk, messageId: mid, batch: batch)
            case .channelClosed(let ch, let code, let text) where ch == c.channel:
                throw .channelClosed(code: code, text: text)
            default:
                // Flow control (blocked, unblocked) is reported as when idle.
                handleIdleEvent(ev, c)
            }
        }

        // Plain TCP: frames are written in batches (see `PublishFrames`), and flushed before
        // every call into rabbitmq-c: `nextEvent` below, and `publishOne`.
        let frames = c.settings.useTLS ? nil : PublishFrames(socket: c.socketFD, timeout: policy.confirmTimeout)

        func nextEvent(timeout: Duration) throws(AMQPError) -> InboundEvent? {
            try frames?.flush()
            return try c.nextEvent(timeout: timeout)
        }

        func waitForProgress() throws(AMQPError) {
            let remaining = lastProgress + policy.confirmTimeout - .now
            if remaining <= .zero {
                throw .timeout("no publisher confirm from \(c.settings.address) for \(policy.confirmTimeout)")
            }
            if let ev = try nextEvent(timeout: min(remaining, .seconds(1))) {
                try handle(ev)
                c.releaseBuffers()
            }
        }

        for (n, idx) in todo.enumerated() {
            while c.blockedReason != nil || pipe.outstanding >= policy.maxOutstanding
                    || (pipe.outstandingBytes >= policy.maxOutstandingBytes && pipe.outstanding > 0) {
                if c.blockedReason != nil && pipe.outstanding == 0 {
                    // Blocked by a resource alarm: nothing will be confirmed; wait for unblock.
                    if (ContinuousClock.now - lastProgress) > policy.confirmTimeout {
                        throw .timeout("broker blocks publishing: \(c.blockedReason ?? "")")
                    }
                    if let ev = try nextEvent(timeout: .seconds(1)) { try handle(ev) }
                    continue
                }
                try waitForProgress()
            }
            if let frames, batch[idx].body.count <= PublishFrames.largestBody {
                try frames.append(batch[idx], channel: c.channel, frameMax: c.frameMax)
            } else {
                try frames?.flush()
                try publishOne(c, batch[idx])
            }
            publishSeq += 1
            pipe.published(index: idx, bytes: batch[idx].body.count)
            if n % 32 == 31 {
                while let ev = try nextEvent(timeout: .zero) { try handle(ev) }
            }
        }
        try frames?.flush()
        lastProgress = .now
        while pipe.outstanding > 0 {
            try waitForProgress()
        }
        return nacked
    }

    private func publishOne(_ c: AMQPConnection, _ m: AMQPOutboundMessage) throws(AMQPError) {
        guard let st = c.state else { throw .closed }
        let arena = CArena()
        var props = arena.properties(m.properties)
        let rc = m.body.withUnsafeBytes { body -> Int32 in
            let b = amqp_bytes_t(len: body.count, bytes: body.count > 0 ? UnsafeMutableRawPointer(mutating: body.baseAddress) : nil)
            return amqp_basic_publish(st, c.channel, arena.bytes(m.exchange), arena.bytes(m.routingKey),
                                      m.mandatory ? 1 : 0, 0, &props, b)
        }
        try c.checkStatus(rc, "basic.publish")
    }
}
