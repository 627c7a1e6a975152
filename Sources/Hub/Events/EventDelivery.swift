/// One event on its way to one subscriber (or to the exchange), as delivery reads it.
package struct EventDelivery: Sendable, Equatable {
    /// The subscriber number of the topic exchange's rows: HER-ids start at 1.
    package static let exchangeSubscriber = 0

    package var subscriber: Int
    package var sequence: Int64
    /// Failed attempts so far.
    package var attempts: Int
    package var eventId: String
    package var kind: String
    package var action: String
    package var body: [UInt8]
    /// The subscriber's webhook as it is now (nil for the broker).
    package var webhook: WebhookEndpoint?

    package init(
        subscriber: Int, sequence: Int64, attempts: Int, eventId: String, kind: String, action: String,
        body: [UInt8], webhook: WebhookEndpoint?
    ) {
        self.subscriber = subscriber
        self.sequence = sequence
        self.attempts = attempts
        self.eventId = eventId
        self.kind = kind
        self.action = action
        self.body = body
        self.webhook = webhook
    }

    /// The `transport` column: which delivery loop a row belongs to.
    package static func transportColumn(_ channel: EventSubscription.Channel) -> String {
        channel == .webhook ? "webhook" : "amqp"
    }
}
