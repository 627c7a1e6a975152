/// Due messages gathered lane by lane for one dispatch batch, up to a count and a total of
/// body bytes (a lane's messages are taken while the batch has room, at least one of them).
package struct DueBatch: Sendable {
    package private(set) var messages: [DueMessage] = []
    private let limit: Int
    private let maxBytes: Int
    private var bytes = 0

    package init(limit: Int, maxBytes: Int) {
        self.limit = limit
        self.maxBytes = maxBytes
    }

    /// Whether another lane may add to it; a batch without room stopped at its count or size,
    /// so more may be due than it holds.
    package var hasRoom: Bool { messages.count < limit && bytes < maxBytes }
    /// How many more messages it takes.
    package var remainingCount: Int { limit - messages.count }
    /// How many more body bytes it takes.
    package var remainingBytes: Int { maxBytes - bytes }

    package mutating func add(_ lane: [DueMessage]) {
        bytes += lane.reduce(0) { $0 + $1.body.count }
        messages += lane
    }
}
