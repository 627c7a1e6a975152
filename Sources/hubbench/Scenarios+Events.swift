import AMQPBridge
import Foundation
import Hub

extension Scenarios {
    struct EventsResult: Sendable, Codable {
        var events: Int
        var subscribers: Int
        /// Deliveries the filters call for, and those that arrived.
        var expectedDeliveries: Int
        var deliveries: Int
        var seconds: Double
        /// Events per second from the first publish until the last is in hubd's event log
        /// (stored, acknowledged, its deliveries written).
        var acceptedPerSecond: Double
        /// Events per second from the first publish until every subscriber that takes every
        /// event had the last one: accepted, stored and fanned out.
        var eventsPerSecond: Double
        var deliveriesPerSecond: Double
        /// Publish (the event's `occurredAt`) to arrival on a subscriber's queue, milliseconds.
        var p50: Double
        var p99: Double
        var hubdCPUMicrosecondsPerEvent: Double?
        var peakRSSBytes: Int?
    }

    /// `count` events published over AMQP by PTS to `subscribers` AMQP subscribers with
    /// overlapping filters: a quarter take everything, a quarter two kinds, a quarter one
    /// action (all through the topic exchange), and a quarter name covered HER-ids (published
    /// to directly). Each event is a new citizen's first, as in a steady stream.
    func events(count: Int, subscribers: Int) async throws -> EventsResult {
        let run = try environment.makeRun(amqpURL: amqpURL, batch: batch)
        let client = AMQPClient(settings: environment.amqp, name: "bench producer", logger: environment.logger)
        _ = try await client.declareQueue(run.submitQueue, options: AMQPQueueOptions())
        let kinds = ["sperring", "skjerming", "nekting", "utsatt-innsyn", "reservasjon", "samtykke"]
        let actions = ["set", "changed", "lifted"]
        struct Filter { var kinds: [String]; var actions: [String]; var covered: [Int] }
        let filters: [Filter] = (0..<subscribers).map { index in
            switch index % 4 {
            case 0: Filter(kinds: [], actions: [], covered: [])
            case 1: Filter(kinds: [kinds[index % 6], kinds[(index + 1) % 6]], actions: [], covered: [])
            case 2: Filter(kinds: [], actions: ["set"], covered: [])
            default: Filter(kinds: ["sperring", "nekting"], actions: [], covered: [10037003])
            }
        }
        let herIds = (0..<subscribers).map { 90_000_001 + $0 }
        let queues = herIds.map { EventRouting.queue(herId: $0) }
        for queue in queues { try? await client.deleteQueue(queue) }
        let file = run.directory.appendingPathComponent("subscriptions.json")
        let entries = zip(herIds, filters).map { herId, filter -> [String: Any] in
            ["herId": herId, "kinds": filter.kinds, "actions": filter.actions, "coveredHerIds": filter.covered, "channel": "Amqp"]
        }
        try JSONSerialization.data(withJSONObject: ["subscriptions": entries]).write(to: file)
        var settings = run.environment
        settings["HUBD_EVENT_PUBLISHERS"] = "10037005"
        settings["HUBD_EVENT_SUBSCRIPTIONS"] = file.path
        let hubd = ChildProcess(
            executable: environment.hubd, arguments: ["serve"], environment: settings, log: run.directory.appendingPathComponent("hubd.log"))
        try hubd.start()
        // On a failed run; a finished one stops hubd below and fails when it did not exit cleanly.
        defer { try? hubd.stop() }

        let citizens = Self.nationalIds(count: count + 1)
        func event(_ index: Int, stamp: String, kind: String? = nil, action: String? = nil) -> [UInt8] {
            let kind = kind ?? kinds[index % 6]
            let json = #"{"eventId":"\#(UUID().uuidString.lowercased())","kind":"\#(kind)","action":"\#(action ?? actions[index % 3])","#
                + #""citizenSequence":1,"occurredAt":"\#(stamp)","nationalId":"\#(citizens[index])","setBy":"innbygger","#
                + #""covers":{"herIds":[10037003,10037004],"documents":[]}"# + (kind == "nekting" ? #","code":"N"}"# : "}")
            return Array(json.utf8)
        }
        var expected = [Int](repeating: 0, count: subscribers)
        for index in 0..<count {
            let kind = kinds[index % 6], action = actions[index % 3]
            for (number, filter) in filters.enumerated()
            where (filter.kinds.isEmpty || filter.kinds.contains(kind)) && (filter.actions.isEmpty || filter.actions.contains(action)) {
                expected[number] += 1
            }
        }
        // The queues exist and are bound once hubd has delivered one event to every subscriber.
        let sinks = queues.map { Sink(settings: environment.amqp, queue: $0, logger: environment.logger) }
        let publisher = EventPublisher(client: client, queue: run.submitQueue)
        // hubd binds every subscriber's queue before it publishes anything: once the warm-up
        // event (of a citizen the run does not use) reached those it matches, all are bound.
        try await publisher.publish([event(count, stamp: BenchClock.stamp(), kind: "sperring", action: "set")])
        for (sink, filter) in zip(sinks, filters) where filter.kinds.isEmpty || filter.kinds.contains("sperring") {
            guard await sink.collect(expected: 1, idleTimeout: .seconds(60)).received == 1 else {
                throw BenchError("the warm-up event did not reach every subscriber; see \(run.directory.path)/hubd.log")
            }
        }
        let cpuBefore = hubd.cpuSeconds
        let started = ContinuousClock.now
        let collecting = zip(sinks, expected).map { sink, wanted in
            Task { await sink.collect(expected: wanted, idleTimeout: .seconds(30)) { delivery in
                (try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])?["occurredAt"] as? String
            } }
        }
        // Accepted: in hubd's event log (read from its store, as `hubd subscriptions list` would).
        let store = try SQLiteStore(path: run.database)
        let accepting = Task {
            while try await store.subscriptionsAndLogEnd().end < Int64(count + 1) { try await Task.sleep(for: .milliseconds(20)) }
            return ContinuousClock.now
        }
        var index = 0
        while index < count {
            let end = min(count, index + 500)
            let stamp = BenchClock.stamp()
            try await publisher.publish((index..<end).map { event($0, stamp: stamp) })
            index = end
        }
        let acceptedAt = try await accepting.value
        var results: [Sink.Result] = []
        for task in collecting { results.append(await task.value) }
        let cpuAfter = hubd.cpuSeconds
        let everything = zip(filters, results).filter { $0.0.kinds.isEmpty && $0.0.actions.isEmpty }.compactMap(\.1.lastArrival)
        let lastAll = everything.max() ?? started
        let lastAny = results.compactMap(\.lastArrival).max() ?? started
        let deliveries = results.map(\.received).reduce(0, +)
        let latencies = results.flatMap(\.latencies).sorted()
        let peakRSS = hubd.peakRSS
        for sink in sinks { await sink.close() }
        try hubd.stop()
        for queue in queues { try? await client.deleteQueue(queue) }
        await environment.cleanUp(run, client: client)
        await client.close()
        let seconds = Self.seconds(lastAll - started)
        let acceptSeconds = Self.seconds(acceptedAt - started)
        return EventsResult(
            events: count, subscribers: subscribers, expectedDeliveries: expected.reduce(0, +), deliveries: deliveries,
            seconds: seconds, acceptedPerSecond: Double(count) / max(0.001, acceptSeconds),
            eventsPerSecond: seconds > 0 ? Double(count) / seconds : 0,
            deliveriesPerSecond: Double(deliveries) / max(0.001, Self.seconds(lastAny - started)),
            p50: Statistics.percentile(latencies, 50), p99: Statistics.percentile(latencies, 99),
            hubdCPUMicrosecondsPerEvent: both(cpuBefore, cpuAfter).map { ($1 - $0) / Double(max(1, count)) * 1e6 },
            peakRSSBytes: peakRSS)
    }

    /// `count` distinct valid national identity numbers (mod-11 check digits), none of them
    /// real: born in 1990 (century digits of a made-up individual number), in order of birth day.
    static func nationalIds(count: Int) -> [String] {
        func check(_ digits: [Int], _ weights: [Int]) -> Int? {
            let remainder = zip(digits, weights).map(*).reduce(0, +) % 11
            let digit = remainder == 0 ? 0 : 11 - remainder
            return digit == 10 ? nil : digit
        }
        var numbers: [String] = []
        numbers.reserveCapacity(count)
        for month in 1...12 {
            for day in 1...28 {
                for individual in 0..<500 {
                    guard numbers.count < count else { return numbers }
                    let base = String(format: "%02d%02d90%03d", day, month, individual)
                    let digits = base.compactMap(\.wholeNumberValue)
                    if let first = check(digits, [3, 7, 6, 1, 8, 9, 4, 5, 2]),
                       let second = check(digits + [first], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) {
                        numbers.append(base + "\(first)\(second)")
                    }
                }
            }
        }
        return numbers
    }
}

/// Publishes events as PTS does over AMQP: persistent, confirmed, a batch at a time.
private struct EventPublisher {
    let client: AMQPClient
    let queue: String

    func publish(_ bodies: [[UInt8]]) async throws {
        let messages = bodies.map { body in
            AMQPOutboundMessage(
                routingKey: queue, mandatory: true,
                properties: AMQPProperties(
                    messageId: UUID().uuidString.lowercased(), contentType: "application/json",
                    type: EventRouting.messageFunction, deliveryMode: AMQPProperties.persistentDeliveryMode,
                    headers: [
                        "fromHerId": .string("10037005"), "toHerId": .string("10037001"),
                        "applicationTimeStamp": .string(BenchClock.stamp()),
                    ]),
                body: body)
        }
        let outcomes = await client.publish(messages)
        guard outcomes.allSatisfy({ $0 == .confirmed }) else {
            throw BenchError("the broker did not confirm every event: \(Set(outcomes.map { "\($0)" }))")
        }
    }
}
