import AMQPBridge
import Foundation
import Testing

/// A message that cannot be put on the wire fails on its own: the others of its batch are
/// confirmed once, and the connection stays up (regression: a 300-character `type` made every
/// publish of its batch fail, dropped the connection and republished the others up to 3 times).
@Suite("AMQP publish isolation", .serialized, .timeLimit(.minutes(2)))
struct PublishIsolationTests {
    let settings: AMQPSettings

    init() throws {
        try TestBroker.require()
        settings = try TestBroker.settings()
    }

    @Test func unencodableMessagesFailAloneAndTheConnectionStays() async throws {
        let queue = TestBroker.uniqueQueue("isolation")
        let client = AMQPClient(settings: settings, name: "test-isolation", logger: TestBroker.logger)
        try await client.declareQueue(queue)
        let generation = client.connectionGeneration

        var longType = message(to: queue, id: "long-type")
        longType.properties.type = String(repeating: "A", count: 300)
        var longHeaderName = message(to: queue, id: "long-header-name")
        longHeaderName.properties.headers[String(repeating: "h", count: 256)] = "x"
        var hugeHeaders = message(to: queue, id: "huge-headers")
        hugeHeaders.properties.headers["big"] = .string(String(repeating: "x", count: 200_000))
        var badExpiration = message(to: queue, id: "bad-expiration")
        badExpiration.properties.expiration = "soon"
        let longQueue = message(to: String(repeating: "q", count: 256), id: "long-queue")
        let good = (0..<6).map { message(to: queue, id: "good-\($0)") }
        let batch = [good[0], longType, good[1], longHeaderName, good[2], hugeHeaders, good[3], badExpiration, good[4], longQueue, good[5]]

        let outcomes = await client.publish(batch)
        for (index, outcome) in outcomes.enumerated() {
            let id = batch[index].properties.messageId ?? ""
            if id.hasPrefix("good") {
                #expect(outcome == .confirmed, "\(id): \(outcome)")
            } else if case .unencodable = outcome {
            } else {
                Issue.record("\(id): expected .unencodable, got \(outcome)")
            }
        }
        #expect(client.connectionGeneration == generation, "the connection was not dropped")
        // Each good message is on the queue exactly once.
        var received: [String] = []
        while let delivery = try await client.get(queue: queue) { received.append(delivery.properties.messageId ?? "") }
        #expect(received == good.map { $0.properties.messageId ?? "" })
        try await client.deleteQueue(queue)
        await client.close()
    }

    /// The size check matches rabbitmq-c exactly: the largest headers it allows are published.
    @Test func theLargestEncodableHeadersArePublished() async throws {
        let queue = TestBroker.uniqueQueue("frame")
        let client = AMQPClient(settings: settings, name: "test-frame", logger: TestBroker.logger)
        try await client.declareQueue(queue)
        func padded(_ length: Int) -> AMQPOutboundMessage {
            var candidate = message(to: queue, id: "pad-\(length)")
            candidate.properties.headers["pad"] = .string(String(repeating: "p", count: length))
            return candidate
        }
        // The broker's default frame_max, which hubd asks for as well.
        let frameMax = 131_072
        var length = frameMax
        while padded(length).encodingProblem(frameMax: frameMax) != nil { length -= 1 }
        let generation = client.connectionGeneration
        let outcomes = await client.publish([padded(length), padded(length + 1)])
        #expect(outcomes.first == .confirmed)
        if case .unencodable = outcomes.last {} else { Issue.record("expected .unencodable, got \(String(describing: outcomes.last))") }
        #expect(client.connectionGeneration == generation)
        #expect(try await client.messageCount(queue: queue) == 1)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func theBoundsAreAMQPs() {
        var atLimit = message(to: "q")
        atLimit.properties.type = String(repeating: "A", count: 255)
        #expect(atLimit.encodingProblem(frameMax: 131_072) == nil)
        atLimit.properties.type = String(repeating: "Å", count: 128)  // 256 bytes
        #expect(atLimit.encodingProblem(frameMax: 131_072)?.contains("type") == true)
        var nested = message(to: "q")
        nested.properties.headers["t"] = .table(["inner": .array([.table([String(repeating: "k", count: 300): 1])])])
        #expect(nested.encodingProblem(frameMax: 131_072) != nil)
        var deep: AMQPFieldValue = "leaf"
        for _ in 0..<1_000 { deep = .table(["t": deep]) }
        var tooDeep = message(to: "q")
        tooDeep.properties.headers["deep"] = deep
        #expect(tooDeep.encodingProblem(frameMax: 131_072)?.contains("nested") == true)
        var headers = message(to: "q")
        headers.properties.headers["v"] = .string(String(repeating: "x", count: 4100))
        #expect(headers.encodingProblem(frameMax: 131_072) == nil)
        #expect(headers.encodingProblem(frameMax: 4096) != nil)
        var expiration = message(to: "q")
        expiration.properties.expiration = "60000"
        #expect(expiration.encodingProblem(frameMax: 131_072) == nil)
        expiration.properties.expiration = "-1"
        #expect(expiration.encodingProblem(frameMax: 131_072) != nil)
    }
}
