import Dialogs

/// What both stores write of an event beside its body: the column its covered HER-ids are
/// searched in, and the delivery rows it gets.
extension EventDraft {
    /// The `covers` column: ",h1,h2,", so that a filter finds ",h," in it.
    package var coversColumn: String {
        "," + event.coveredHerIds.map(String.init).joined(separator: ",") + ","
    }

    /// The `event_delivery` rows the event gets among these subscriptions, each with its
    /// `transport` column: one per subscriber reached directly whose filter wants it, and one
    /// for the topic exchange (`EventDelivery.exchangeSubscriber`) when a subscriber bound to
    /// it does. `Api` subscribers read the log themselves and get none.
    package func deliveries(among subscriptions: [EventSubscription]) -> [(subscriber: Int, transport: String)] {
        var rows: [(subscriber: Int, transport: String)] = []
        var toExchange = false
        for subscription in subscriptions
        where subscription.channel != .api
            && subscription.matches(kind: event.kind.rawValue, action: event.action.rawValue, covers: event.coveredHerIds) {
            if subscription.routingKeys != nil {
                toExchange = true
            } else {
                rows.append((subscription.herId, EventDelivery.transportColumn(subscription.channel)))
            }
        }
        if toExchange {
            rows.append((EventDelivery.exchangeSubscriber, EventDelivery.transportColumn(.amqp)))
        }
        return rows
    }
}
