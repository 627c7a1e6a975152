import AddressRegistry
import Dialogs
import Foundation

extension IngressValidator {
    /// An access-restriction event (events.md §2): checks 1 and 2 as for any submission (with
    /// `application/json` as the content type), then the publisher list, the hub as receiver,
    /// and the event's schema in place of checks 3–5 and 7. The log's own rules (sequence,
    /// event id) are the store's, when the event is appended.
    func evaluateEvent(_ submission: Submission, registry: AddressRegistry, now: Date) -> IngressDecision {
        let properties = submission.properties
        let fields = SubmissionFields(properties, payloadFunction: nil)
        let direct = submission.origin == .rest
        // 1. Fields, and 2. sender: as for messages, a sender who cannot be told gets a dead letter.
        guard let from = fields.from else {
            return unroutableEvent(submission, fields, "fromHerId is missing or not a HER-id", data: ["fromHerId"])
        }
        if case .failure(let problem) = Self.sender(from.herId, in: registry, needsErrorQueue: !direct) {
            return unroutableEvent(submission, fields, problem.reason, data: ["fromHerId", from.text])
        }
        func reject(_ rejection: Rejection) -> IngressDecision {
            .reject(rejection, notice: direct ? nil : notice(fields, rejection, now: now), acceptedKey: nil)
        }
        var missing = fields.missing.filter { $0 != "ContentType" }
        if SubmissionFields.mediaType(properties.contentType) != "application/json" { missing.append("ContentType") }
        guard missing.isEmpty, let to = fields.to else {
            return reject(Rejection(.invalidFieldValue, "One or more fields are missing", data: missing))
        }
        guard settings.eventPublishers.contains(from.herId) else {
            return reject(Rejection(.unsupportedMessage, "\(from.text) is not a publisher of access-restriction events",
                                    data: [EventRouting.messageFunction]))
        }
        guard to.herId == settings.herId else {
            return reject(Rejection(
                .invalidFieldValue, "Events are sent to the hub's own HER-id \(settings.herId)", data: ["toHerId", to.text]))
        }
        let schema: AccessRestrictionSchema
        do {
            schema = try AccessRestrictionSchema.bundled()
        } catch {
            // `hubd serve` does not start without it; here only if the installation broke since.
            return reject(Rejection(.invalidFieldValue, "hubd cannot check events: its event schema did not load"))
        }
        let event: AccessRestrictionEvent
        do {
            event = try AccessRestrictionEventReader(schema: schema).read(submission.body)
        } catch {
            return reject(Rejection(.invalidFieldValue, LogSafe.text(error.description)))
        }
        return .event(EventDraft(
            event: event, publisherHerId: from.herId,
            sequenceNotice: direct ? nil : notice(fields, EventDraft.sequenceRefusal, now: now),
            contentNotice: direct ? nil : notice(fields, EventDraft.contentRefusal, now: now)))
    }

    /// As for messages: REST hears of it in the answer; over AMQP nobody can be told, so it
    /// becomes a dead letter.
    private func unroutableEvent(_ submission: Submission, _ fields: SubmissionFields, _ reason: String, data: [String]) -> IngressDecision {
        guard submission.origin != .rest else {
            return .reject(Rejection(.invalidFieldValue, reason, data: data), notice: nil, acceptedKey: nil)
        }
        return .deadLetter(deadLetter(submission, fields, reason: reason), acceptedKey: nil)
    }
}
