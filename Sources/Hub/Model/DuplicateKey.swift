import Dialogs

/// Identifies a submission for duplicate detection: the sender and the message's own id
/// (MsgHead `MsgId`, AppRec `Id`, or for a receiver's error message its `message_id`).
package struct DuplicateKey: Sendable, Hashable {
    package var senderHerId: Int
    package var key: String

    package init(senderHerId: Int, key: String) {
        self.senderHerId = senderHerId
        self.key = key
    }

    /// An accepted MsgHead or AppRec: its sender and its `MsgId` (AppRec `Id`). Every kind of
    /// key has its own prefix, so that no `MsgId` can pass for another kind's key.
    package static func accepted(senderHerId: Int, msgId: String) -> DuplicateKey {
        DuplicateKey(senderHerId: senderHerId, key: acceptedPrefix + msgId)
    }

    /// The prefix of an accepted message's key.
    private static let acceptedPrefix = "msg:"

    /// The `MsgId` (AppRec `Id`) of an accepted message's key; nil for every other kind. A store
    /// may find such a key in the message's own row while it keeps that row.
    package var acceptedMsgId: String? {
        key.hasPrefix(Self.acceptedPrefix) ? String(key.dropFirst(Self.acceptedPrefix.count)) : nil
    }

    /// A refused submission: answered once, however often it is redelivered.
    static func refusal(senderHerId: Int, messageId: String) -> DuplicateKey {
        DuplicateKey(senderHerId: senderHerId, key: "refused:" + messageId)
    }

    /// A dead-lettered submission, keyed by its `fromHerId` header and `message_id` exactly as
    /// given (either may be malformed: that is often why it is a dead letter). Both go in whole,
    /// the first with its length, so no two submissions share a key by accident.
    package static func deadLetter(fromHeader: String?, messageId: String) -> DuplicateKey {
        let from = fromHeader ?? ""
        return DuplicateKey(senderHerId: HerId.parse(from) ?? 0, key: "dead:\(from.utf8.count):\(from):" + messageId)
    }

    /// A receiver's error message.
    static func receiverError(senderHerId: Int, messageId: String) -> DuplicateKey {
        DuplicateKey(senderHerId: senderHerId, key: "message_id:" + messageId)
    }
}
