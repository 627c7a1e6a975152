import Foundation

/// A message between parties as the store holds it, for the REST API's reads.
package struct StoredMessage: Sendable {
    package var id: Int64
    package var messageId: String
    package var kind: MessageKind
    package var fromHerId: Int?
    package var toHerId: Int?
    package var messageFunction: String?
    /// MsgHead `MsgId` or AppRec `Id`.
    package var msgId: String?
    package var contentType: String?
    /// The document exactly as submitted.
    package var body: [UInt8]
    package var origin: SubmissionOrigin
    package var history: [StatusEntry]
    /// The AppRec that answered it last, with its document, when one did.
    package var appRec: (messageId: String, body: [UInt8])?

    package init(
        id: Int64, messageId: String, kind: MessageKind, fromHerId: Int?, toHerId: Int?, messageFunction: String?,
        msgId: String?, contentType: String?, body: [UInt8], origin: SubmissionOrigin, history: [StatusEntry],
        appRec: (messageId: String, body: [UInt8])?
    ) {
        self.id = id
        self.messageId = messageId
        self.kind = kind
        self.fromHerId = fromHerId
        self.toHerId = toHerId
        self.messageFunction = messageFunction
        self.msgId = msgId
        self.contentType = contentType
        self.body = body
        self.origin = origin
        self.history = history
        self.appRec = appRec
    }

    /// hubd's current status: the last of the history.
    package var status: MessageStatus { history.last?.status ?? .accepted }

    /// The transport state in NHN's terms. A negative AppRec is no transport refusal: the
    /// message reached the receiver, which answered it.
    package var transportState: TransportDeliveryState {
        let statuses = Set(history.map(\.status))
        if statuses.contains(.expired) || statuses.contains(.failed) { return .abandoned }
        if statuses.contains(.rejected), appRec == nil { return .rejected }
        let handedOver: Set<MessageStatus> = [.sent, .delivered, .acknowledged, .acknowledgedWithErrors, .rejected]
        return statuses.isDisjoint(with: handedOver) ? .unconfirmed : .acknowledged
    }

    /// When it was handed over (sent to the queue, pushed, or downloaded), if it was.
    package var sentAt: Date? {
        history.first { $0.status == .sent || $0.status == .delivered }?.at
    }
}
