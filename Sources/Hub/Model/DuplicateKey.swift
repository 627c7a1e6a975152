/// Identifies a submission for duplicate detection: the sender and the message's own id
/// (MsgHead `MsgId`, AppRec `Id`, or for a receiver's error message its `message_id`).
public struct DuplicateKey: Sendable, Hashable {
    public var senderHerId: Int
    public var key: String

    public init(senderHerId: Int, key: String) {
        self.senderHerId = senderHerId
        self.key = key
    }
}
