/// The application data of an AMQP 1.0 message, taken out of its body sections (part 3, §3.2.6–8):
/// the bytes of its data sections one after another, or the binary or string of its amqp-value.
///
/// RabbitMQ 3.10's plugin hands a 0-9-1 consumer a message with exactly one data section
/// unwrapped (`type` `binary`) and any other body still encoded (`type` `amqp-1.0`); the
/// encoded form is what this reads.
///
/// ```swift
/// let document = try AMQP10Body.unwrap(delivery.body)   // the original XML, byte for byte
/// ```
package enum AMQP10Body {
    /// The body's bytes. Header, annotations, properties and footer sections are passed over;
    /// an amqp-sequence, an amqp-value that is neither binary nor string, a mix of data and
    /// amqp-value, or no body section at all is an error.
    package static func unwrap(_ bytes: [UInt8]) throws(AMQP10Error) -> [UInt8] {
        var decoder = AMQP10Decoder(bytes)
        var data: [UInt8] = []
        var sawData = false
        var value: [UInt8]?
        while !decoder.isAtEnd {
            guard case .described(let descriptor, let body) = try decoder.next(),
                  let section = AMQP10Section(descriptor: descriptor)
            else { throw .unexpected("a body part that is not a message section") }
            switch section {
            case .data:
                guard case .binary(let chunk) = body, value == nil else { throw .unexpected("a data section that is not binary") }
                data += chunk
                sawData = true
            case .amqpValue:
                guard !sawData, value == nil else { throw .unexpected("an amqp-value beside other body sections") }
                switch body {
                case .binary(let chunk): value = chunk
                case .string(let text): value = Array(text.utf8)
                default: throw .unexpected("an amqp-value that is neither binary nor a string")
                }
            case .amqpSequence: throw .unexpected("an amqp-sequence body")
            case .header, .deliveryAnnotations, .messageAnnotations, .properties, .applicationProperties, .footer:
                continue
            }
        }
        if let value { return value }
        guard sawData else { throw .unexpected("no body section") }
        return data
    }
}
