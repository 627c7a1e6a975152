import Foundation

/// What the hub needs to know about itself and its policies.
package struct HubSettings: Sendable {
    /// The hub's own HER-id; the sender of error messages whose original receiver is unknown.
    package var herId: Int
    /// The queue submissions arrive on.
    package var submitQueue: String
    /// The queue dead letters are copied to.
    package var deadLetterQueue: String
    /// Submissions with a larger body are refused before they are parsed.
    package var maxMessageBytes: Int
    /// How long the hub tries to deliver a message when its submission sets no `expiration`.
    package var defaultExpiry: TimeInterval
    /// When failed sends are tried again.
    package var retry: Backoff
    /// How many due messages the dispatcher sends in one batch (publishes in flight at once).
    package var dispatchBatchSize: Int
    /// The most submissions committed in one transaction; what arrives while a transaction
    /// commits waits for the next one, up to this many.
    package var ingressBatchLimit: Int
    /// How long a duplicate key is kept. It must outlast every way the same message can come
    /// again: a sender's own resend within the message's expiry, plus a margin.
    package var duplicateRetention: TimeInterval
    /// How long finished messages (sent, expired, failed) and their histories are kept.
    package var messageRetention: TimeInterval
    /// The parties that may publish access-restriction events (events.md §2).
    package var eventPublishers: Set<Int>
    /// How long after acceptance a request's answer is due, for every dialog that opens a
    /// conversation; nil: the dialog catalogue's deadline (30 days).
    package var answerDeadline: TimeInterval?
    /// How often conversations past their deadline are looked for.
    package var answerCheckInterval: TimeInterval

    package init(
        herId: Int, submitQueue: String = "hubd.submit", deadLetterQueue: String = "hubd.dead",
        maxMessageBytes: Int = 16 * 1024 * 1024, defaultExpiry: TimeInterval = 4 * 24 * 3600,
        retry: Backoff = Backoff(), dispatchBatchSize: Int = 1000, ingressBatchLimit: Int = 1000,
        duplicateRetention: TimeInterval = 5 * 24 * 3600, messageRetention: TimeInterval = 30 * 24 * 3600,
        eventPublishers: Set<Int> = [], answerDeadline: TimeInterval? = nil, answerCheckInterval: TimeInterval = 60
    ) {
        self.eventPublishers = eventPublishers
        self.herId = herId
        self.submitQueue = submitQueue
        self.deadLetterQueue = deadLetterQueue
        self.maxMessageBytes = maxMessageBytes
        self.defaultExpiry = defaultExpiry
        self.retry = retry
        self.dispatchBatchSize = dispatchBatchSize
        self.ingressBatchLimit = ingressBatchLimit
        self.duplicateRetention = duplicateRetention
        self.messageRetention = messageRetention
        self.answerDeadline = answerDeadline
        self.answerCheckInterval = answerCheckInterval
    }
}
