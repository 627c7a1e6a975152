/// The kinds of notification (REST contract §6), spelled as NHN's API spells them.
package enum NotificationType: String, Sendable, Codable, CaseIterable {
    /// A message for the receiver is ready to be fetched (Api and Webhook parties).
    case newMessage = "NewMessage"
    /// The transport state of the sender's message changed.
    case messageDeliveryStateUpdated = "MessageDeliveryStateUpdated"
    /// An AppRec about the sender's message passed.
    case messageApprecInfoUpdated = "MessageApprecInfoUpdated"
    /// The receiver or its endpoint refused the sender's message.
    case refusedMessage = "RefusedMessage"
    /// A PROMs order of the register has a new status (proms.md §1); `relatedMessageId` is the order's id.
    case promsOrderUpdated = "PromsOrderUpdated"
    /// A conversation passed its answer deadline without an answer (dialogs.md §2), to its
    /// receiver and its sender; `relatedMessageId` is the request's message id.
    case conversationOverdue = "ConversationOverdue"
}
