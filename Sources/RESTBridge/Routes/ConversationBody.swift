import Foundation
import Hub

/// A conversation as the API shows it (dialogs contract §2): `GET /conversations`, and the
/// `conversation` of `GET /messages/{id}`.
struct ConversationBody: Encodable, Sendable {
    var conversationId: String
    var requestMessageId: String
    var function: String
    var senderHerId: Int
    var receiverHerId: Int
    var openedAt: String
    var deadline: String
    var state: String
    var answerMessageId: String?

    init(_ conversation: Conversation) {
        conversationId = conversation.conversationId
        requestMessageId = conversation.requestMessageId
        function = conversation.function
        senderHerId = conversation.senderHerId
        receiverHerId = conversation.receiverHerId
        openedAt = Timestamp.format(conversation.openedAt)
        deadline = Timestamp.format(conversation.deadline)
        state = conversation.state.rawValue
        answerMessageId = conversation.answerMessageId
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversationId, forKey: .conversationId)
        try container.encode(requestMessageId, forKey: .requestMessageId)
        try container.encode(function, forKey: .function)
        try container.encode(senderHerId, forKey: .senderHerId)
        try container.encode(receiverHerId, forKey: .receiverHerId)
        try container.encode(openedAt, forKey: .openedAt)
        try container.encode(deadline, forKey: .deadline)
        try container.encode(state, forKey: .state)
        // Present and null until an answer passed, so that every conversation has the same keys.
        try container.encode(answerMessageId, forKey: .answerMessageId)
    }

    enum CodingKeys: String, CodingKey {
        case conversationId, requestMessageId, function, senderHerId, receiverHerId, openedAt, deadline, state, answerMessageId
    }
}
