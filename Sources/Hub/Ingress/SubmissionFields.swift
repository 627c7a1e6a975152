import Foundation
import Dialogs

/// The routing fields of a submission (wire contract §2, check 1), each read by its rule and
/// kept only when well-formed: a malformed value is never copied into a header hubd emits nor
/// into its log. The raw values stay in the submission for the dead letters.
struct SubmissionFields {
    /// `fromHerId` as sent, and the HER-id it spells.
    var from: (text: String, herId: Int)?
    /// `toHerId` as sent, and the HER-id it spells.
    var to: (text: String, herId: Int)?
    /// The message function from the header, the property or the payload, when well-formed.
    var function: String?
    /// Whether the function came from the header or the property (then it must match the payload).
    var functionIsDeclared: Bool
    var messageId: String?
    var hasTimestamp: Bool
    var hasContentType: Bool

    init(_ properties: MessageProperties, payloadFunction: String?) {
        let headers = properties.headers
        from = Self.herId(headers[HeaderName.fromHerId])
        to = Self.herId(headers[HeaderName.toHerId])
        let declared = Self.declaredFunction(properties)
        functionIsDeclared = declared != nil
        function = (declared ?? Self.nonEmpty(payloadFunction)).flatMap { MessageFunction.isWellFormed($0) ? $0 : nil }
        messageId = properties.messageId.flatMap { Self.isWellFormedMessageId($0) ? $0 : nil }
        hasTimestamp = headers[HeaderName.applicationTimeStamp].map(Timestamp.isDateTime) ?? false
        hasContentType = Self.isAcceptedContentType(properties.contentType)
    }

    /// The message function as the header, else the `type` property, declares it.
    static func declaredFunction(_ properties: MessageProperties) -> String? {
        nonEmpty(properties.headers[HeaderName.messageType]) ?? nonEmpty(properties.type)
    }

    /// The failing names of check 1, each followed by `;` in the contract's order.
    var missing: [String] {
        var names: [String] = []
        if to == nil { names.append("toHerId") }
        if from == nil { names.append("fromHerId") }
        if function == nil { names.append("Label") }
        if !hasTimestamp { names.append("applicationTimeStamp") }
        if !hasContentType { names.append("ContentType") }
        if messageId == nil { names.append("MessageId") }
        return names
    }

    static func herId(_ text: String?) -> (text: String, herId: Int)? {
        guard let text, let herId = HerId.parse(text) else { return nil }
        return (text, herId)
    }

    /// A `message_id` is 1 to 255 bytes (what AMQP's `message_id` holds) of printable
    /// characters without a national identity number (11 digits outside a UUID): it is copied
    /// into every attempt and into error messages, so it must be safe to send and to log.
    static func isWellFormedMessageId(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 255 else { return false }
        guard !text.unicodeScalars.contains(where: isControl) else { return false }
        return !NationalIdMask.containsNationalId(text)
    }

    /// A `message_id` as a dead letter keeps it: as sent when well-formed, else masked,
    /// escaped and cut to 255 bytes, which is what `hubd dead list` shows and replay takes.
    static func displayMessageId(_ raw: String?) -> String? {
        guard let raw else { return nil }
        // Masked again after the cut, which may end a longer run of digits after 11 of them.
        return isWellFormedMessageId(raw) ? raw : NationalIdMask.mask(LogSafe.cut(LogSafe.text(raw, limit: 255), toBytes: 255))
    }

    /// C0 and C1 controls, DEL, and the line and paragraph separators: what no id or
    /// parameter a sender sets may contain.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// `application/xml` or `text/plain`, with parameters, at most 255 bytes, no control character.
    static func isAcceptedContentType(_ contentType: String?) -> Bool {
        let type = mediaType(contentType)
        return type == "application/xml" || type == "text/plain"
    }

    /// A content type's media type in lower case, without parameters or the spaces around it
    /// (RFC 9110's optional whitespace; a tab is a control); nil when the content type is longer
    /// than 255 bytes or holds a control character.
    static func mediaType(_ contentType: String?) -> String? {
        guard let contentType, contentType.utf8.count <= 255, !contentType.unicodeScalars.contains(where: isControl) else {
            return nil
        }
        // Byte-wise: Foundation's trimming bridged every submission's content type to NSString,
        // 2 % of hubd's CPU per message.
        var type = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        while type.first == UInt8(ascii: " ") { type.removeFirst() }
        while type.last == UInt8(ascii: " ") { type.removeLast() }
        return String(Substring(type)).lowercased()
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
