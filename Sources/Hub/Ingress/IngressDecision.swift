/// What the ingress checks decided about one submission.
package enum IngressDecision: Sendable {
    /// Store it and dispatch it, unless its duplicate key was accepted before.
    case accept(NewMessage)
    /// Refused: store the error message for the sender (none when the sender hears of it
    /// directly, over REST) and drop the submission. `acceptedKey`
    /// is the key the submission would have been accepted under, when it can be read: the
    /// duplicate check comes first for keys already accepted, so a redelivery after a registry
    /// change is not refused when it was accepted before.
    case reject(Rejection, notice: NewMessage?, acceptedKey: DuplicateKey?)
    /// No error message can be routed: keep it as a dead letter.
    case deadLetter(DeadLetterDraft, acceptedKey: DuplicateKey?)
    /// An access-restriction event: append it to the event log, under the log's own rules.
    case event(EventDraft)
}
