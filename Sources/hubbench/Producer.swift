import AMQPBridge
import Foundation

/// Publishes submissions as a party would: persistent, confirmed, in pipelined batches,
/// stamping `applicationTimeStamp` when each batch leaves (the latency clock starts there).
struct Producer: Sendable {
    let client: AMQPClient
    let queue: String

    /// Publishes `count` messages, at most `rate` per second when given. Returns when all are confirmed.
    func publish(count: Int, rate: Double?, batchSize: Int = 1000, body: @Sendable (Int) -> [UInt8]) async throws {
        let start = ContinuousClock.now
        var index = 0
        let batch = rate.map { max(1, min(batchSize, Int($0 / 100))) } ?? batchSize
        while index < count {
            if let rate {
                let due = start + .seconds(Double(index) / rate)
                if due > ContinuousClock.now { try await Task.sleep(until: due, clock: .continuous) }
            }
            let end = min(count, index + batch)
            let stamp = BenchClock.stamp()
            let messages = (index..<end).map { number in
                AMQPOutboundMessage(
                    routingKey: queue, mandatory: true,
                    properties: AMQPProperties(
                        messageId: UUID().uuidString.lowercased(), contentType: "application/xml",
                        deliveryMode: AMQPProperties.persistentDeliveryMode,
                        headers: [
                            "fromHerId": .string("10037002"), "toHerId": .string("10037004"),
                            "applicationTimeStamp": .string(stamp),
                        ]),
                    body: body(number))
            }
            let outcomes = await client.publish(messages)
            guard outcomes.allSatisfy({ $0 == .confirmed }) else {
                throw BenchError("the broker did not confirm every submission: \(Set(outcomes.map { "\($0)" }))")
            }
            index = end
        }
    }
}

/// Timestamps with millisecond precision, as ISO 8601 (the header hubd passes on unchanged).
enum BenchClock {
    static func stamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func milliseconds(since stamp: String) -> Double? {
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(stamp) else { return nil }
        return Date().timeIntervalSince(date) * 1000
    }
}
