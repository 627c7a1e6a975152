/// What a stored notification is about: a message, a PROMs order or a conversation. Each has
/// a column of its own in the notification row (exactly one of them set), so that removing the
/// subject removes its notifications.
package enum NotificationSubject: Sendable, Equatable {
    /// The stored message with this row id.
    case message(Int64)
    /// The PROMs order with this id.
    case promsOrder(String)
    /// The conversation with this row id.
    case conversation(Int64)

    /// The `message` column.
    package var messageColumn: Int64? {
        switch self {
        case .message(let id): id
        case .promsOrder, .conversation: nil
        }
    }

    /// The `proms_order` column.
    package var promsOrderColumn: String? {
        switch self {
        case .promsOrder(let id): id
        case .message, .conversation: nil
        }
    }

    /// The `conversation` column.
    package var conversationColumn: Int64? {
        switch self {
        case .conversation(let id): id
        case .message, .promsOrder: nil
        }
    }
}
