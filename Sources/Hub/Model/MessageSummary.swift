import Foundation

/// A message as the REST API shows it (`GET /messages/{id}`) and a webhook receives it.
package struct MessageSummary: Sendable, Equatable, Codable {
    /// The message's `message_id`.
    package var id: String
    package var senderHerId: Int?
    package var receiverHerIds: [Int]
    /// The document's own id: MsgHead `MsgId` or AppRec `Id`.
    package var businessDocumentId: String?
    /// The document's `GenDate`, as written in it.
    package var businessDocumentGenDate: String?
    /// The document's message function (`MsgType/@V`).
    package var businessDocumentMsgType: String?
    package var contentType: String
    /// hubd's current status (the last of the history).
    package var status: MessageStatus

    package init(
        id: String, senderHerId: Int?, receiverHerIds: [Int], businessDocumentId: String?,
        businessDocumentGenDate: String?, businessDocumentMsgType: String?, contentType: String, status: MessageStatus
    ) {
        self.id = id
        self.senderHerId = senderHerId
        self.receiverHerIds = receiverHerIds
        self.businessDocumentId = businessDocumentId
        self.businessDocumentGenDate = businessDocumentGenDate
        self.businessDocumentMsgType = businessDocumentMsgType
        self.contentType = contentType
        self.status = status
    }
}
