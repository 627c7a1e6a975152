import AMQPBridge
import Foundation
import Hub

/// A test's own connection to the broker: submits like a party and reads receivers' queues.
final class BrokerProbe: Sendable {
    let client: AMQPClient

    /// `url`: the test broker's unless a test runs hubd against another (the cluster).
    init(url: String = TestEnvironment.amqpURL) throws {
        client = AMQPClient(settings: try AMQPSettings(url: url), name: "test probe", logger: TestEnvironment.quietLogger)
    }

    /// The headers a well-formed submission carries.
    static func headers(from: Int, to: Int) -> [String: String] {
        [
            HeaderName.fromHerId: String(from), HeaderName.toHerId: String(to),
            HeaderName.applicationTimeStamp: Timestamp.format(Date()),
        ]
    }

    /// Publishes a submission and waits for the broker's confirm.
    @discardableResult
    func submit(
        to queue: String, body: [UInt8], messageId: String? = UUID().uuidString.lowercased(),
        headers: [String: String], contentType: String? = "application/xml", type: String? = nil,
        expiration: String? = nil
    ) async throws -> String? {
        let message = AMQPOutboundMessage(
            routingKey: queue, mandatory: true,
            properties: AMQPProperties(
                messageId: messageId, contentType: contentType, type: type, expiration: expiration,
                deliveryMode: AMQPProperties.persistentDeliveryMode,
                headers: headers.mapValues { .string($0) }),
            body: body)
        let outcome = await client.publish([message], declaring: AMQPQueueOptions()).first
        guard outcome == .confirmed else { throw TestFailure("submission not confirmed: \(String(describing: outcome))") }
        return messageId
    }

    /// Submits an example from the portal to the register, its MsgId made unique by `tag`;
    /// a `messageId` of the caller's makes a resubmission the same transmission again.
    func submitExample(
        _ template: String, tag: String, to queue: String, messageId: String = UUID().uuidString.lowercased(),
        expiration: String? = nil
    ) async throws -> String {
        let body = template.replacingOccurrences(of: "<MsgId>", with: "<MsgId>\(tag)-")
        let id = try await submit(
            to: queue, body: Array(body.utf8), messageId: messageId,
            headers: Self.headers(from: TestParties.helsenorge, to: TestParties.register), expiration: expiration)
        guard let id else { throw TestFailure("submission without a message_id") }
        return id
    }

    /// Submits until the broker confirms, as a sender does while a cluster node stops: again
    /// with the same message_id and MsgId, so that a copy the broker did take is dropped by hubd
    /// as a duplicate. Gives up after a minute.
    ///
    /// The probe is an AMQPClient like hubd's own: after a nack it publishes over a new channel,
    /// and this is what gets it past a channel that goes on being nacked after a node left
    /// (seen for minutes under load, RabbitMQ 3.10).
    func submitUntilConfirmed(_ template: String, tag: String, to queue: String) async throws -> String {
        let messageId = UUID().uuidString.lowercased()
        let deadline = ContinuousClock.now + .seconds(60)
        var refusals: [String] = []
        while true {
            do {
                let id = try await submitExample(template, tag: tag, to: queue, messageId: messageId)
                if !refusals.isEmpty { print("probe: \(tag) confirmed after \(refusals.count) refusal(s): \(Set(refusals).sorted())") }
                return id
            } catch where ContinuousClock.now < deadline {
                refusals.append("\(error)")
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// The party markers go to, whose queue tests leave otherwise unused.
    static let markerReceiver = TestParties.hf2

    /// Submits a valid dialog from the portal to `markerReceiver`: the last thing a test sends,
    /// so that its being sent proves the hub has dealt with everything before it.
    func submitMarker(to queue: String) async throws -> String {
        let template = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
        let body = template.replacingOccurrences(of: "<MsgId>", with: "<MsgId>marker-\(UUID().uuidString)-")
            .replacingOccurrences(of: "<Id>\(TestParties.register)</Id>", with: "<Id>\(Self.markerReceiver)</Id>")
        let id = try await submit(
            to: queue, body: Array(body.utf8), headers: Self.headers(from: TestParties.helsenorge, to: Self.markerReceiver))
        guard let id else { throw TestFailure("marker without a message_id") }
        return id
    }

    /// Submits `count` tagged examples one after another on a connection of its own, in the
    /// background; the task's value is their message ids, in order.
    static func stream(_ template: String, count: Int, tag: String, to queue: String) -> Task<[String], any Error> {
        Task {
            let sender = try BrokerProbe()
            var ids: [String] = []
            for index in 0..<count {
                ids.append(try await sender.submitExample(template, tag: "\(tag)-\(index)", to: queue))
            }
            await sender.close()
            return ids
        }
    }

    /// The next message on `queue`, waiting up to `timeout` for one to arrive.
    func next(from queue: String, timeout: Duration = .seconds(15)) async throws -> AMQPDelivery {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let delivery = try? await client.get(queue: queue) { return delivery }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("nothing arrived on \(queue) within \(timeout)")
    }

    /// Everything on `queue` now, without waiting.
    func drain(_ queue: String) async -> [AMQPDelivery] {
        var deliveries: [AMQPDelivery] = []
        while let delivery = try? await client.get(queue: queue) { deliveries.append(delivery) }
        return deliveries
    }

    /// Whether `queue` exists.
    func exists(_ queue: String) async -> Bool {
        do {
            _ = try await client.messageCount(queue: queue)
            return true
        } catch {
            return false
        }
    }

    /// Messages ready on `queue` (0 when it does not exist).
    func count(_ queue: String) async -> UInt32 {
        (try? await client.messageCount(queue: queue)) ?? 0
    }

    /// Waits until `queue` holds no ready message; false if it still does after `timeout`.
    func waitUntilEmpty(_ queue: String, timeout: Duration = .seconds(15)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await count(queue) == 0 { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func delete(_ queues: [String]) async {
        for queue in queues { try? await client.deleteQueue(queue) }
    }

    func close() async { await client.close() }
}
