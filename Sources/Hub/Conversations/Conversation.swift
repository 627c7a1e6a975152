import Foundation

/// A request that expects an answer, and what became of it (dialogs contract §2). It holds no
/// patient data: ids, parties, function and times only.
package struct Conversation: Sendable, Equatable {
    /// The request's MsgId, or its `ConversationRef/RefToConversation` when it gave one.
    package var conversationId: String
    /// The `message_id` the request was accepted with.
    package var requestMessageId: String
    /// The request's `MsgInfo/MsgId`.
    package var requestMsgId: String
    /// The request's message function.
    package var function: String
    /// Who asked (the request's sender).
    package var senderHerId: Int
    /// Who must answer (the request's receiver).
    package var receiverHerId: Int
    /// When the request was accepted.
    package var openedAt: Date
    /// When the answer is due.
    package var deadline: Date
    package var state: ConversationState
    /// The `message_id` of the answer, once one passed.
    package var answerMessageId: String?
    package var answeredAt: Date?
    /// Why it was closed, when it was.
    package var closedReason: String?

    package init(
        conversationId: String, requestMessageId: String, requestMsgId: String, function: String, senderHerId: Int,
        receiverHerId: Int, openedAt: Date, deadline: Date, state: ConversationState, answerMessageId: String? = nil,
        answeredAt: Date? = nil, closedReason: String? = nil
    ) {
        self.conversationId = conversationId
        self.requestMessageId = requestMessageId
        self.requestMsgId = requestMsgId
        self.function = function
        self.senderHerId = senderHerId
        self.receiverHerId = receiverHerId
        self.openedAt = openedAt
        self.deadline = deadline
        self.state = state
        self.answerMessageId = answerMessageId
        self.answeredAt = answeredAt
        self.closedReason = closedReason
    }
}
