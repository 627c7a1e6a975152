import Hub

/// `GET /messages/{id}`: the message's summary, as a webhook also receives it, with the
/// conversation the message opened or answered (null when none).
struct MessageBody: Encodable, Sendable {
    var summary: MessageSummary
    var conversation: ConversationBody?

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversation, forKey: .conversation)
    }

    enum CodingKeys: String, CodingKey {
        case conversation
    }
}
