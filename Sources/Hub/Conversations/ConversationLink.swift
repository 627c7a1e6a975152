import Foundation

/// What a MsgHead may mean for conversations, decided at ingress from the catalogue and applied
/// when the message is committed (in the same transaction): it answers the conversations its
/// `ConversationRef` names (from its receiver back to its sender), and when it answers none
/// and its function opens one, it opens one.
package struct ConversationLink: Sendable, Equatable {
    /// `ConversationRef/RefToParent`: the MsgId of the message this one answers.
    package var refToParent: String?
    /// `ConversationRef/RefToConversation`: the conversation this one belongs to.
    package var refToConversation: String?
    /// The conversation it opens when it answers none; nil when its function opens none.
    package var opening: Opening?

    /// A conversation a request opens.
    package struct Opening: Sendable, Equatable {
        /// The request's MsgId, or its `RefToConversation` when it gave one.
        package var conversationId: String
        /// How long after acceptance the answer is due.
        package var answerWithin: TimeInterval

        package init(conversationId: String, answerWithin: TimeInterval) {
            self.conversationId = conversationId
            self.answerWithin = answerWithin
        }
    }

    package init(refToParent: String?, refToConversation: String?, opening: Opening?) {
        self.refToParent = refToParent
        self.refToConversation = refToConversation
        self.opening = opening
    }
}
