/// The properties section (AMQP 1.0 part 3, §3.2.4): a list whose positions are the fields.
///
/// hubd's deliveries carry one in the header `x-amqp-1.0-properties`, and a 1.0 sender's
/// submission arrives with one there (RabbitMQ's 1.0 plugin puts it there).
///
/// ```swift
/// var properties = AMQP10Properties()
/// properties.subject = .string("DIALOG_INNBYGGER_EKONTAKT")
/// let header = properties.encoded()        // 0x00 0x53 0x73 0xc0 …
/// ```
package struct AMQP10Properties: Sendable, Equatable {
    package var messageId: AMQP10Value = .null
    package var userId: AMQP10Value = .null
    package var to: AMQP10Value = .null
    package var subject: AMQP10Value = .null
    package var replyTo: AMQP10Value = .null
    package var correlationId: AMQP10Value = .null
    package var contentType: AMQP10Value = .null
    package var contentEncoding: AMQP10Value = .null
    package var absoluteExpiryTime: AMQP10Value = .null
    package var creationTime: AMQP10Value = .null
    package var groupId: AMQP10Value = .null
    package var groupSequence: AMQP10Value = .null
    package var replyToGroupId: AMQP10Value = .null

    package init() {}

    /// Reads the section from its encoding (as the header carries it).
    package init(encoded bytes: [UInt8]) throws(AMQP10Error) {
        let value = try AMQP10Decoder.decodeOne(bytes)
        guard case .described(let descriptor, let body) = value, AMQP10Section(descriptor: descriptor) == .properties
        else { throw .unexpected("not a properties section") }
        let fields: [AMQP10Value]
        switch body {
        case .list(let items): fields = items
        default: throw .unexpected("a properties section that is not a list")
        }
        func at(_ i: Int) -> AMQP10Value { i < fields.count ? fields[i] : .null }
        messageId = at(0); userId = at(1); to = at(2); subject = at(3); replyTo = at(4)
        correlationId = at(5); contentType = at(6); contentEncoding = at(7); absoluteExpiryTime = at(8)
        creationTime = at(9); groupId = at(10); groupSequence = at(11); replyToGroupId = at(12)
    }

    /// The section, described by its ulong code, without the trailing nulls (as 1.0 encoders
    /// write a list whose last fields are absent).
    package func encoded() -> [UInt8] {
        let fields = [messageId, userId, to, subject, replyTo, correlationId, contentType, contentEncoding,
                      absoluteExpiryTime, creationTime, groupId, groupSequence, replyToGroupId]
        var count = fields.count
        while count > 0, fields[count - 1] == .null { count -= 1 }
        var out: [UInt8] = []
        // Room for the usual fields (ids, a queue, a function, a content type) at once.
        out.reserveCapacity(256)
        AMQP10Encoder.appendDescriptor(of: .properties, to: &out)
        AMQP10Encoder.list(count: count, &out) { body in
            for field in fields[..<count] { AMQP10Encoder.append(field, to: &body) }
        }
        return out
    }
}
