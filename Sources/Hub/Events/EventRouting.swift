import Dialogs

/// The names events travel under on the broker (events.md §4). None carries a national
/// identity number: kinds and actions are closed vocabularies, HER-ids are not personal.
package enum EventRouting {
    /// The topic exchange every event is published to once.
    package static let exchange = "hubd.events"
    /// A subscriber's durable queue.
    package static func queue(herId: Int) -> String { "hubd.events.\(herId)" }
    /// `pts.<kind>.<action>`; `*` stands for every kind or action in a binding.
    package static func routingKey(kind: String, action: String) -> String { "pts.\(kind).\(action)" }

    /// Every pattern a subscription can bind with: what a queue is unbound from when its
    /// filter changes, whatever it was bound with before.
    package static let allBindings: [String] = {
        let kinds = ["*"] + AccessRestrictionEvent.Kind.allCases.map(\.rawValue)
        let actions = ["*"] + AccessRestrictionEvent.Action.allCases.map(\.rawValue)
        return kinds.flatMap { kind in actions.map { routingKey(kind: kind, action: $0) } }
    }()

    /// Headers of an event on the broker.
    package static let kindHeader = "eventKind"
    package static let actionHeader = "eventAction"
    package static let sequenceHeader = "eventSequence"

    /// The message function of an event submitted over AMQP (events.md §2).
    package static let messageFunction = "PTS_TILGANGSBEGRENSNING"
}
