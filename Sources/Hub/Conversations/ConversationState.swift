/// Where a conversation stands (dialogs contract §2).
package enum ConversationState: String, Sendable, Codable, CaseIterable {
    /// The request waits for its answer, and the deadline has not passed.
    case open
    /// The answer passed before the deadline.
    case answered
    /// The deadline passed without an answer.
    case overdue
    /// The answer passed after the deadline.
    case answeredLate = "answered-late"
    /// No answer can come: the request was refused by its receiver, rejected by an AppRec, or
    /// never delivered (expired or failed).
    case closed
}
