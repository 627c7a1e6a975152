@testable import AMQPBridge
import Testing

/// A 1.0 sender's submission, as the plugin hands it to hubd (captured headers and bodies), reads
/// as if its fields had come as 0-9-1 properties and headers.
@Suite("AMQP 1.0 ingress", .timeLimit(.minutes(1)))
struct AMQP10IngressTests {
    typealias Fixture = AMQP10Fixtures

    func delivery(type: String, properties: [UInt8], application: [UInt8], body: [UInt8],
                  messageId: String? = "plugin's copy") -> AMQPDelivery {
        AMQPDelivery(
            deliveryTag: 1, epoch: 1, redelivered: false, exchange: "", routingKey: "hubd.submit",
            properties: AMQPProperties(
                messageId: messageId, contentType: "plugin's copy", type: type, deliveryMode: 1,
                headers: ["x-amqp-1.0-properties": .binaryString(properties),
                          "x-amqp-1.0-app-properties": .binaryString(application)]),
            body: body)
    }

    @Test func readsTheFieldsFromTheSections() {
        let read = AMQP10Ingress.reading(delivery(
            type: Fixture.DataSection.type, properties: Fixture.DataSection.properties,
            application: Fixture.DataSection.applicationProperties, body: Fixture.DataSection.body))
        #expect(read.properties.messageId == "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(read.properties.correlationId == "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(read.properties.replyTo == "8142987_async")
        #expect(read.properties.contentType == "application/xml")
        // The subject, not the plugin's `binary`.
        #expect(read.properties.type == "DIALOG_INNBYGGER_EKONTAKT")
        #expect(read.properties.headers == [
            "fromHerId": "8142987", "toHerId": "8142988",
            "applicationTimeStamp": "2026-12-03T10:00:00.123+01:00", "cpaId": "",
        ])
        #expect(read.body == Fixture.document)
    }

    @Test func unwrapsAnEncodedBody() {
        for (properties, application, body) in [
            (Fixture.AmqpValueString.properties, Fixture.AmqpValueString.applicationProperties, Fixture.AmqpValueString.body),
            (Fixture.AmqpValueBinary.properties, Fixture.AmqpValueBinary.applicationProperties, Fixture.AmqpValueBinary.body),
        ] {
            let read = AMQP10Ingress.reading(delivery(type: "amqp-1.0", properties: properties, application: application, body: body))
            #expect(read.body == Fixture.document)
        }
        let uuid = AMQP10Ingress.reading(delivery(
            type: "amqp-1.0", properties: Fixture.AmqpValueBinary.properties,
            application: Fixture.AmqpValueBinary.applicationProperties, body: Fixture.AmqpValueBinary.body))
        #expect(uuid.properties.messageId == "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(uuid.properties.type == nil)
    }

    /// Unreadable sections count as absent, so the usual checks refuse the submission; an
    /// unreadable body stays as it came and is refused as not XML.
    @Test func unreadableSectionsLeaveTheFieldsMissing() {
        let read = AMQP10Ingress.reading(delivery(
            type: "amqp-1.0", properties: [0x00, 0x53, 0x73, 0xc0, 0xff], application: [0xd1, 0, 0],
            body: [0x00, 0x53, 0x77, 0xa1, 0x09]))
        #expect(read.properties.messageId == nil)
        #expect(read.properties.type == nil)
        #expect(read.properties.headers.isEmpty)
        #expect(read.body == [0x00, 0x53, 0x77, 0xa1, 0x09])
    }

    @Test func aPlain091DeliveryIsUnchanged() {
        let plain = AMQPDelivery(
            deliveryTag: 1, epoch: 1, redelivered: false, exchange: "", routingKey: "q",
            properties: AMQPProperties(messageId: "m", type: "APPREC", headers: ["fromHerId": "1"]), body: [1, 2])
        let read = AMQP10Ingress.reading(plain)
        #expect(read.properties == plain.properties)
        #expect(read.body == plain.body)
    }
}
