import Dialogs

/// A party's subscription to access-restriction events (events.md §4): which events it wants,
/// and how they reach it.
package struct EventSubscription: Sendable, Equatable {
    /// How matching events reach the subscriber.
    package enum Channel: String, Sendable, CaseIterable {
        /// The durable queue `hubd.events.<herId>`.
        case amqp = "Amqp"
        /// Signed POSTs to the subscriber's URL.
        case webhook = "Webhook"
        /// None: the subscriber reads `GET /access-restrictions` itself.
        case api = "Api"
    }

    package var herId: Int
    /// Empty: every kind.
    package var kinds: [AccessRestrictionEvent.Kind]
    /// Empty: every action.
    package var actions: [AccessRestrictionEvent.Action]
    /// Empty: whatever the event covers; else one of the event's `covers.herIds` must be here.
    package var coveredHerIds: [Int]
    package var channel: Channel
    /// Required for `.webhook`, absent otherwise.
    package var webhook: WebhookEndpoint?

    package init(
        herId: Int, kinds: [AccessRestrictionEvent.Kind] = [], actions: [AccessRestrictionEvent.Action] = [],
        coveredHerIds: [Int] = [], channel: Channel, webhook: WebhookEndpoint? = nil
    ) {
        self.herId = herId
        self.kinds = kinds
        self.actions = actions
        self.coveredHerIds = coveredHerIds
        self.channel = channel
        self.webhook = webhook
    }

    /// Whether an event with these fields is one the subscriber wants.
    package func matches(kind: String, action: String, covers: [Int]) -> Bool {
        (kinds.isEmpty || kinds.contains { $0.rawValue == kind })
            && (actions.isEmpty || actions.contains { $0.rawValue == action })
            && (coveredHerIds.isEmpty || covers.contains(where: coveredHerIds.contains))
    }

    /// The routing-key patterns that select this subscriber's events on the topic exchange, or
    /// nil when the filter names covered HER-ids, which routing keys cannot carry: such a
    /// subscriber gets each of its events published to its queue directly.
    package var routingKeys: [String]? {
        guard channel == .amqp, coveredHerIds.isEmpty else { return nil }
        let kindNames = kinds.isEmpty ? ["*"] : kinds.map(\.rawValue)
        let actionNames = actions.isEmpty ? ["*"] : actions.map(\.rawValue)
        return kindNames.flatMap { kind in actionNames.map { EventRouting.routingKey(kind: kind, action: $0) } }
    }
}
