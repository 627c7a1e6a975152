/// What a stored message is, which decides how it is routed and whether its failures are answered.
package enum MessageKind: String, Sendable, Codable {
    /// A MsgHead submitted by a party.
    case dialog
    /// An AppRec submitted by a party.
    case appRec = "apprec"
    /// A receiver's own error message about a message it got, routed to the sender's error queue.
    case receiverError = "receiver-error"
    /// An error message hubd generated for a sender.
    case errorNotice = "error-notice"
    /// A copy of a dead letter on the dead-letter queue.
    case deadLetterCopy = "dead-letter-copy"
    /// A dead-lettered submission put back on the submission queue by a replay, to be checked again.
    case resubmission
    /// A PROMs order's new status pushed to its register (proms.md §1): the order's JSON, not a document.
    case promsUpdate = "proms-update"

    /// Error messages are never answered with error messages; dead-letter copies neither.
    package var failuresAreReported: Bool { self == .dialog || self == .appRec }
}
