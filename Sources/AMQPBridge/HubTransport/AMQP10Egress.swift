import Hub

/// What a message hubd publishes carries for AMQP 1.0 consumers (Helsenorge.Messaging) reading
/// through RabbitMQ's `rabbitmq_amqp1_0` plugin.
///
/// Without these headers the plugin (3.10) gives a 1.0 consumer `subject` = the routing key or
/// `type` and no application properties at all, and Helsenorge.Messaging refuses the message
/// for want of `fromHerId`. With them, the plugin hands the two sections over as they are: the
/// consumer sees `message_id`, `subject` = the message function and every header as a string
/// application property. The body is left alone (the plugin wraps it in one data section).
///
/// ```swift
/// var table: [String: AMQPFieldValue] = [:]
/// AMQP10Egress.addHeaders(for: envelope.properties, to: "8142987_async", into: &table)
/// ```
package enum AMQP10Egress {
    package static let propertiesHeader = "x-amqp-1.0-properties"
    package static let applicationPropertiesHeader = "x-amqp-1.0-app-properties"

    /// The most header text (names and values) that is repeated as application properties. The
    /// repetition doubles what the headers take, and a message must still fit one frame (128 KiB
    /// on RabbitMQ): a dead letter's copy may carry 64 KiB of headers, and it must stay
    /// publishable. Deliveries and error messages carry far less.
    package static let applicationPropertiesBudget = 32 * 1024

    /// Sets the two headers in `table`, as long strings holding the encoded sections byte for
    /// byte; the application properties only when the headers are within
    /// `applicationPropertiesBudget`. Written into the publisher's table, which has room for
    /// them, rather than a table of their own to merge.
    /// - Parameter queue: the queue published to (the 1.0 `to`); nil for an exchange.
    package static func addHeaders(for properties: MessageProperties, to queue: String?, into table: inout [String: AMQPFieldValue]) {
        var sections = AMQP10Properties()
        func string(_ value: String?) -> AMQP10Value { value.map(AMQP10Value.string) ?? .null }
        sections.messageId = string(properties.messageId)
        sections.to = string(queue)
        sections.subject = string(properties.type)
        sections.replyTo = string(properties.replyTo)
        sections.correlationId = string(properties.correlationId)
        // content-type is a symbol in 1.0 (part 3, §3.2.4).
        sections.contentType = properties.contentType.map(AMQP10Value.symbol) ?? .null
        table[propertiesHeader] = .binaryString(sections.encoded())
        // Never the 1.0 headers themselves, should a routed-on message still have them.
        let application = AMQP10ApplicationProperties(properties.headers) { !$0.hasPrefix("x-amqp-1.0-") }
        let size = application.entries.reduce(0) { size, entry in size + entry.key.utf8.count + (entry.value.text?.utf8.count ?? 0) }
        if size <= applicationPropertiesBudget {
            table[applicationPropertiesHeader] = .binaryString(application.encoded())
        }
    }
}
