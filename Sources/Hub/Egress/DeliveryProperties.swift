import AddressRegistry
import Dialogs

/// The properties and headers a receiver gets with an accepted message (§3).
/// Patient identifiers never go into headers; only routing metadata does.
enum DeliveryProperties {
    static func make(
        submitted: MessageProperties, message: DialogMessage, sender: CommunicationParty,
        fromHerId: Int, toHerId: Int, messageId: String
    ) -> MessageProperties {
        // Set in name order (upper case before lower), so that each is appended to the list.
        var headers = MessageHeaders()
        headers.reserveCapacity(16)
        switch message {
        case .msgHead(let info):
            headers[HeaderName.msgId] = info.msgId
            headers[HeaderName.refToConversation] = info.refToConversation
            headers[HeaderName.refToParent] = info.refToParent
        case .appRec(let info):
            headers[HeaderName.msgId] = info.id
            headers[HeaderName.originalMsgId] = info.originalMsgId
            headers[HeaderName.originalMsgType] = info.originalMsgType
        }
        headers[HeaderName.schemaNamespace] = message.schemaNamespace
        headers[HeaderName.messageType] = message.messageFunction
        headers[HeaderName.receiverLevel1] = message.receiver.level1.map(String.init)
        headers[HeaderName.receiverLevel2] = message.receiver.level2.map(String.init)
        headers[HeaderName.senderLevel1] = message.sender.level1.map(String.init)
        headers[HeaderName.senderLevel2] = message.sender.level2.map(String.init)
        headers[HeaderName.applicationTimeStamp] = submitted.headers[HeaderName.applicationTimeStamp]
        if let cpaId = submitted.headers[HeaderName.cpaId], !cpaId.isEmpty {
            headers[HeaderName.cpaId] = cpaId
        }
        headers[HeaderName.fromHerId] = String(fromHerId)
        headers[HeaderName.toHerId] = String(toHerId)
        return MessageProperties(
            messageId: messageId,
            correlationId: nonEmpty(submitted.correlationId) ?? messageId,
            replyTo: sender.queue(.async),
            contentType: submitted.contentType,
            type: message.messageFunction,
            headers: headers)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
