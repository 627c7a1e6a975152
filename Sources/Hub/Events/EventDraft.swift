import Dialogs

/// An event that passed the ingress checks, about to be appended to the event log. Its
/// sequence rules need the log, so the store decides the rest when it commits; the notices
/// for those refusals are made beforehand, for a sender that hears of refusals over AMQP.
package struct EventDraft: Sendable {
    package var event: AccessRestrictionEvent
    package var publisherHerId: Int
    /// The error message for the sender when the store refuses the event (nil over REST,
    /// where the answer says it).
    package var sequenceNotice: NewMessage?
    package var contentNotice: NewMessage?

    /// Why the log refuses an event (events.md §2), in words for its publisher.
    package static let sequenceRefusal = Rejection(
        .invalidFieldValue,
        "citizenSequence must be greater than the last stored for that citizen (a new eventId with an old or repeated sequence)",
        data: ["citizenSequence"], isConflict: true)
    package static let contentRefusal = Rejection(
        .invalidFieldValue, "eventId was used before for an event with other content", data: ["eventId"], isConflict: true)

    package init(event: AccessRestrictionEvent, publisherHerId: Int, sequenceNotice: NewMessage? = nil, contentNotice: NewMessage? = nil) {
        self.event = event
        self.publisherHerId = publisherHerId
        self.sequenceNotice = sequenceNotice
        self.contentNotice = contentNotice
    }
}
