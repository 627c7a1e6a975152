import Dialogs

/// The transport properties of a message, independent of the transport that carries it.
///
/// Header values are strings: the wire contract sends every header as an AMQP long string.
package struct MessageProperties: Sendable, Equatable, Codable {
    package var messageId: String?
    package var correlationId: String?
    package var replyTo: String?
    package var contentType: String?
    package var type: String?
    /// Milliseconds, as AMQP's `expiration` property carries it.
    package var expiration: String?
    package var headers: MessageHeaders

    package init(
        messageId: String? = nil, correlationId: String? = nil, replyTo: String? = nil,
        contentType: String? = nil, type: String? = nil, expiration: String? = nil,
        headers: MessageHeaders = [:]
    ) {
        self.messageId = messageId
        self.correlationId = correlationId
        self.replyTo = replyTo
        self.contentType = contentType
        self.type = type
        self.expiration = expiration
        self.headers = headers
    }
}

extension MessageProperties {
    /// These properties with every run of exactly 11 digits masked in every value: the form in
    /// which hubd sends anything. Patient identifiers never go into headers, whoever put them
    /// there; the body is the only place they travel, unchanged.
    package func maskingNationalIds() -> MessageProperties {
        // Dispatch masks every message's properties and almost always there is nothing to mask:
        // `mask` hands its input back uncopied then, and the headers are rebuilt only when one
        // name or value holds a run.
        var masked = self
        masked.messageId = messageId.map(NationalIdMask.mask)
        masked.correlationId = correlationId.map(NationalIdMask.mask)
        masked.replyTo = replyTo.map(NationalIdMask.mask)
        masked.contentType = contentType.map(NationalIdMask.mask)
        masked.type = type.map(NationalIdMask.mask)
        masked.expiration = expiration.map(NationalIdMask.mask)
        if headers.contains(where: { NationalIdMask.hasElevenDigitRun($0.key) || NationalIdMask.hasElevenDigitRun($0.value) }) {
            // Two names that differ only in a masked number become one header: the first in
            // name order (given last, so it is the one kept), so the same headers always mask
            // the same way.
            masked.headers = MessageHeaders(headers.reversed().map { (key: NationalIdMask.mask($0.key), value: NationalIdMask.mask($0.value)) })
        }
        return masked
    }
}

extension MessageProperties {
    /// The longest header value a dead-letter copy carries, in characters.
    static let deadLetterCopyValueLimit = 1000
    /// The most header bytes a dead-letter copy carries; the rest is left off (and counted).
    static let deadLetterCopyHeaderBytes = 64 * 1024

    /// These properties as a dead letter's copy carries them: every value masked, escaped and
    /// cut (`LogSafe`), short ones to 255 bytes (what AMQP holds), the headers to 64 KiB in all,
    /// the function only when well-formed, no time-to-live. A dead letter is often one because
    /// its values are wrong; the copy must still be publishable, and a malformed value is never
    /// sent as it came. The store keeps the submission whole.
    func forDeadLetterCopy(messageId: String?, function: String?) -> MessageProperties {
        func short(_ value: String?) -> String? {
            value.map { LogSafe.cut(LogSafe.text($0, limit: 255), toBytes: 255) }
        }
        // Collected, then made headers at once: escaping can change the names' order.
        var copied: [MessageHeaders.Element] = []
        var names = Set<String>()
        var bytes = 0
        var dropped = 0
        for (name, value) in headers {
            let safeName = LogSafe.cut(LogSafe.text(name, limit: 100), toBytes: 255)
            let safeValue = LogSafe.text(value, limit: Self.deadLetterCopyValueLimit)
            let size = safeName.utf8.count + safeValue.utf8.count + 6
            guard !names.contains(safeName), bytes + size <= Self.deadLetterCopyHeaderBytes else {
                dropped += 1
                continue
            }
            names.insert(safeName)
            copied.append((key: safeName, value: safeValue))
            bytes += size
        }
        if dropped > 0 { copied.append((key: HeaderName.deadLetterHeadersLeftOut, value: String(dropped))) }
        return MessageProperties(
            // The dead letter's own message id is safe already (`SubmissionFields.displayMessageId`).
            messageId: messageId.map { LogSafe.cut($0, toBytes: 255) }, correlationId: short(correlationId), replyTo: short(replyTo),
            contentType: short(contentType), type: function, expiration: nil, headers: MessageHeaders(copied))
    }
}
