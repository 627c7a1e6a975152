import Dialogs
import Foundation

extension MessageSummary {
    /// The summary of a stored message, with the document's own id, date and type read from
    /// the document (it passed the checks, so it parses; if it no longer does, they are nil).
    package init(
        messageId: String, fromHerId: Int?, toHerId: Int?, contentType: String?, body: [UInt8], status: MessageStatus
    ) {
        let message = (try? DialogParser(maxBytes: max(body.count, 1)).parse(body))?.message
        let genDate: String? = if case .msgHead(let info) = message { Self.utc(info.genDate) } else { nil }
        self.init(
            id: messageId, senderHerId: fromHerId, receiverHerIds: toHerId.map { [$0] } ?? [],
            businessDocumentId: message?.id, businessDocumentGenDate: genDate,
            businessDocumentMsgType: message?.messageFunction, contentType: contentType ?? "application/xml",
            status: status)
    }

    /// Norwegian time, in which a KITH time without offset is written; UTC only on a system
    /// without time zone data.
    private static let norway = TimeZone(identifier: "Europe/Oslo") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// A document's time as the API writes times (RFC 3339, UTC); nil for one it cannot read.
    static func utc(_ documentTime: String) -> String? {
        XMLDateTime.utc(documentTime) { local in
            // The offset at the instant the local time names, found from the local time taken as
            // UTC and corrected once: exact but for the hour a clock change skips or repeats.
            let guess = norway.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
            return norway.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - guess)))
        }
    }

    /// The summary a webhook receives with a message it is about to be handed.
    init(_ message: DueMessage) {
        self.init(
            messageId: message.messageId, fromHerId: message.fromHerId, toHerId: message.toHerId,
            contentType: message.properties.contentType, body: message.body, status: .accepted)
    }
}
