/// Reads a submission that an AMQP 1.0 sender made through RabbitMQ's `rabbitmq_amqp1_0` plugin
/// as if its fields had come as 0-9-1 properties and headers, so that it goes through the same
/// checks as any other.
///
/// The plugin (3.10) keeps the sender's properties and application-properties sections, encoded,
/// in the headers `x-amqp-1.0-properties` and `x-amqp-1.0-app-properties`. It also copies some
/// properties to the 0-9-1 ones, but in its own way (a uuid `message-id` as 16 raw bytes, `type`
/// `binary` or `amqp-1.0` rather than the subject), so the sections are what counts: `message-id`,
/// `correlation-id`, `reply-to`, `content-type` and `subject` (the message function) come from the
/// properties section, the headers from the application properties. A body of exactly one data
/// section arrives unwrapped (`type` `binary`); any other (several data sections, an amqp-value)
/// arrives encoded (`type` `amqp-1.0`) and is unwrapped here (`AMQP10Body`).
///
/// A section that cannot be read counts as absent, so its fields are missing and the usual check
/// refuses the submission (`transport:invalid-field-value`, or a dead letter when `fromHerId` is
/// lost); a body that cannot be unwrapped is left as it came and refused as not XML.
///
/// ```swift
/// let submission = AMQPSubmissionSource.submission(AMQP10Ingress.reading(delivery))
/// ```
package enum AMQP10Ingress {
    /// The `type` the plugin gives a message whose body it left encoded.
    package static let encodedBodyType = "amqp-1.0"

    /// The delivery as a 0-9-1 sender would have made it; unchanged when it has neither header.
    package static func reading(_ delivery: AMQPDelivery) -> AMQPDelivery {
        var headers = delivery.properties.headers
        let properties = headers.removeValue(forKey: AMQP10Egress.propertiesHeader)
        let application = headers.removeValue(forKey: AMQP10Egress.applicationPropertiesHeader)
        guard properties != nil || application != nil else { return delivery }
        var result = delivery
        if let properties {
            let sections = bytes(properties).flatMap { try? AMQP10Properties(encoded: $0) }
            result.properties.messageId = sections?.messageId.text
            result.properties.correlationId = sections?.correlationId.text
            result.properties.replyTo = sections?.replyTo.text
            result.properties.contentType = sections?.contentType.text
            result.properties.type = sections?.subject.text
        }
        if let application, let raw = bytes(application),
           let sections = try? AMQP10ApplicationProperties(encoded: raw) {
            // The 0-9-1 headers the plugin set are its own; anything else a publisher added first.
            for (name, text) in sections.texts where headers[name] == nil { headers[name] = .string(text) }
        }
        result.properties.headers = headers
        if delivery.properties.type == encodedBodyType, let body = try? AMQP10Body.unwrap(delivery.body) {
            result.body = body
        }
        return result
    }

    /// The section's bytes: a long string as it came (text or not), or a byte array.
    private static func bytes(_ value: AMQPFieldValue) -> [UInt8]? {
        switch value {
        case .string(let text): Array(text.utf8)
        case .binaryString(let raw), .bytes(let raw): raw
        default: nil
        }
    }
}
