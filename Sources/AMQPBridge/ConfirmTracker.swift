/// Maps confirm delivery tags (1, 2, 3, … per channel) to batch indices.
struct ConfirmTracker {
    let firstTag: UInt64
    private var indices: [Int] = []           // tag - firstTag → batch index
    private var settled: [Bool] = []
    private var low = 0                        // lowest unsettled position
    private var returned: [Int: (Int, String)] = [:]   // batch index → basic.return
    private var bytes: [Int] = []
    private(set) var outstanding = 0
    private(set) var outstandingBytes = 0

    init(firstTag: UInt64, capacity: Int) {
        self.firstTag = firstTag
        indices.reserveCapacity(capacity)
        settled.reserveCapacity(capacity)
        bytes.reserveCapacity(capacity)
    }

    mutating func published(index: Int, bytes n: Int) {
        indices.append(index)
        settled.append(false)
        bytes.append(n)
        outstanding += 1
        outstandingBytes += n
    }

    /// Returns how many messages were settled.
    mutating func settle(tag: UInt64, multiple: Bool, nack: Bool, batch: [AMQPOutboundMessage],
                         outcomes: inout [AMQPPublishOutcome?]) -> Int {
        guard tag >= firstTag else { return 0 }
        let pos = Int(tag - firstTag)
        guard pos < indices.count else { return 0 }
        var count = 0
        func settleAt(_ p: Int) {
            guard !settled[p] else { return }
            settled[p] = true
            let idx = indices[p]
            if let (code, text) = returned[idx] {
                outcomes[idx] = .returned(replyCode: code, replyText: text)
            } else {
                outcomes[idx] = nack ? .nacked : .confirmed
            }
            outstanding -= 1
            outstandingBytes -= bytes[p]
            count += 1
        }
        if multiple {
            var p = low
            while p <= pos { settleAt(p); p += 1 }
        } else {
            settleAt(pos)
        }
        while low < settled.count && settled[low] { low += 1 }
        return count
    }

    /// A basic.return precedes the ack of the same message. Match by message_id, else by
    /// the earliest unsettled, not yet returned message with the same exchange and routing key.
    mutating func noteReturn(code: Int, text: String, exchange: String, routingKey: String, messageId: String?,
                             batch: [AMQPOutboundMessage]) {
        var fallback: Int?
        for p in low..<indices.count where !settled[p] {
            let idx = indices[p]
            guard returned[idx] == nil else { continue }
            let m = batch[idx]
            guard m.exchange == exchange && m.routingKey == routingKey else { continue }
            if let messageId, m.properties.messageId == messageId {
                returned[idx] = (code, text)
                return
            }
            if fallback == nil && (messageId == nil || m.properties.messageId == nil) { fallback = idx }
        }
        if let fallback { returned[fallback] = (code, text) }
    }
}
