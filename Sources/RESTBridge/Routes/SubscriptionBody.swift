import Dialogs
import Hub

/// A subscription as `PUT /subscriptions/{herId}` takes it and `GET` gives it (events.md §4),
/// and as the `event_subscriptions` file and `hubd subscriptions set` hold it (with `herId`).
struct SubscriptionBody: Codable, Sendable {
    /// Only in the file, where one body names its party.
    var herId: Int?
    var kinds: [String]?
    var actions: [String]?
    var coveredHerIds: [Int]?
    var channel: String
    var webhook: MshConfigurationBody.Webhook?

    /// The body of a stored subscription (the webhook's secret is never shown).
    init(_ subscription: EventSubscription) {
        herId = nil
        kinds = subscription.kinds.map(\.rawValue)
        actions = subscription.actions.map(\.rawValue)
        coveredHerIds = subscription.coveredHerIds
        channel = subscription.channel.rawValue
        webhook = subscription.webhook.map { .init(url: $0.url, secret: nil) }
    }

    /// The subscription of `herId` this body describes; 400 for an unknown kind, action or
    /// channel, a covered value that is not a HER-id, or an unusable webhook.
    func subscription(herId: Int) throws(Problem) -> EventSubscription {
        var kindList: [AccessRestrictionEvent.Kind] = []
        for name in kinds ?? [] {
            guard let kind = AccessRestrictionEvent.Kind(rawValue: name) else {
                throw Problem.badRequest("kinds: unknown kind; one of " + AccessRestrictionEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if !kindList.contains(kind) { kindList.append(kind) }
        }
        var actionList: [AccessRestrictionEvent.Action] = []
        for name in actions ?? [] {
            guard let action = AccessRestrictionEvent.Action(rawValue: name) else {
                throw Problem.badRequest("actions: unknown action; one of " + AccessRestrictionEvent.Action.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if !actionList.contains(action) { actionList.append(action) }
        }
        let covered = coveredHerIds ?? []
        guard covered.allSatisfy(HerId.isValid), covered.count <= 1000 else {
            throw Problem.badRequest("coveredHerIds must be at most 1000 HER-ids")
        }
        guard let channel = EventSubscription.Channel.allCases.first(where: { $0.rawValue.lowercased() == self.channel.lowercased() }) else {
            throw Problem.badRequest("channel must be Amqp, Webhook or Api")
        }
        let endpoint = channel == .webhook ? try RESTAPI.webhookEndpoint(webhook) : nil
        return EventSubscription(
            herId: herId, kinds: kindList, actions: actionList, coveredHerIds: Array(Set(covered)).sorted(),
            channel: channel, webhook: endpoint)
    }
}
