import AMQPBridge
import ArgumentParser
import Foundation
import Hub
import Logging

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a message file to the hub's submission queue, as a party would; prints its message_id.")

    @OptionGroup var options: CommonOptions
    @Option(help: "The XML file to send.") var file: String
    @Option(help: "The sending party's HER-id (fromHerId).") var from: Int
    @Option(help: "The receiving party's HER-id (toHerId).") var to: Int
    @Option(help: "The message function; by default the hub reads it from the payload.") var type: String?
    @Option(help: "The message_id to send with; by default a new UUID.") var messageId: String?

    func run() async throws {
        let configuration = try options.load()
        let body: [UInt8]
        do {
            body = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CommandFailure("cannot read \(file): \((error as NSError).localizedDescription)")
        }
        let amqp = try configuration.amqpSettings()
        let id = messageId ?? RandomID.make()
        var headers: [String: AMQPFieldValue] = [
            HeaderName.fromHerId: .string(String(from)),
            HeaderName.toHerId: .string(String(to)),
            HeaderName.applicationTimeStamp: .string(Timestamp.format(Date())),
        ]
        if let type { headers[HeaderName.messageType] = .string(type) }
        let message = AMQPOutboundMessage(
            routingKey: configuration.submitQueue, mandatory: true,
            properties: AMQPProperties(
                messageId: id, contentType: "application/xml", type: type,
                deliveryMode: AMQPProperties.persistentDeliveryMode, headers: headers),
            body: body)
        let client = AMQPClient(settings: amqp.named("hubd send"), name: "hubd send", logger: Logger.hubd("hubd", level: .warning))
        let outcome = await client.publish([message], declaring: configuration.queueOptions).first
        await client.close()
        guard outcome == .confirmed else {
            throw CommandFailure("the broker did not take the message: \(outcome.map { "\($0)" } ?? "no outcome")")
        }
        print(id)
    }
}
