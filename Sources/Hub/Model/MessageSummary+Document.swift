import Dialogs

extension MessageSummary {
    /// The summary of a stored message, with the document's own id, date and type read from
    /// the document (it passed the checks, so it parses; if it no longer does, they are nil).
    package init(
        messageId: String, fromHerId: Int?, toHerId: Int?, contentType: String?, body: [UInt8], status: MessageStatus
    ) {
        let message = (try? DialogParser(maxBytes: max(body.count, 1)).parse(body))?.message
        // In UTC as every time of the API; a GenDate without offset is Norwegian time.
        let genDate: String? = if case .msgHead(let info) = message { PromsCalendar.timestamp(info.genDate).map(Timestamp.format) } else { nil }
        self.init(
            id: messageId, senderHerId: fromHerId, receiverHerIds: toHerId.map { [$0] } ?? [],
            businessDocumentId: message?.id, businessDocumentGenDate: genDate,
            businessDocumentMsgType: message?.messageFunction, contentType: contentType ?? "application/xml",
            status: status)
    }

    /// The summary a webhook receives with a message it is about to be handed.
    init(_ message: DueMessage) {
        self.init(
            messageId: message.messageId, fromHerId: message.fromHerId, toHerId: message.toHerId,
            contentType: message.properties.contentType, body: message.body, status: .accepted)
    }
}
