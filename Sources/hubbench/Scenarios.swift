import AMQPBridge
import Foundation
import Hub
import PostgresStore

/// The measurements. Each run uses fresh queues and a fresh store.
struct Scenarios: Sendable {
    let environment: BenchEnvironment
    let amqpURL: String
    /// Messages per batch, the same for the relay and for hubd (`batch_size`, prefetch twice that).
    let batch: Int
    /// Relays working side by side in the baseline, each with its own connections.
    let relayCount: Int

    /// The headline baseline: producer → queue → the C relay on rabbitmq-c (a process of its
    /// own, confirm then ack) → queue → sink. `durable` runs it in its durable mode (the floor
    /// scenario): each batch validated against hubd's schemas and stored in SQLite before it is
    /// published, and recorded as sent before it is acknowledged.
    func cRelay(size: Int, count: Int, rate: Double? = nil, durable: Bool = false) async throws -> RunResult {
        try await hop(size: size, count: count, rate: rate) { source, target, run in
            let store = durable ? [run.database, environment.schemas.appendingPathComponent("all-messages.xsd").path] : []
            let relay = ChildProcess(
                executable: environment.crelay, arguments: [amqpURL, source, target, String(batch)] + store,
                environment: ProcessInfo.processInfo.environment, log: run.directory.appendingPathComponent("crelay.log"))
            try relay.start()
            return (cpu: { relay.cpuSeconds }, stop: { try relay.stop() })
        }
    }

    /// The second line: the same hop through hubd's own AMQP layer, inside hubbench, so the cost
    /// of the Swift AMQP layer shows on its own. Its CPU time is hubbench's, so none is reported.
    func swiftRelay(size: Int, count: Int) async throws -> RunResult {
        try await hop(size: size, count: count) { source, target, _ in
            let relays = (0..<relayCount).map { _ in
                Relay(settings: environment.amqp, from: source, to: target, batch: batch, logger: environment.logger)
            }
            let relaying = relays.map { relay in Task { await relay.run() } }
            return (cpu: { nil }, stop: {
                for relay in relays { await relay.close() }
                for task in relaying { task.cancel() }
            })
        }
    }

    /// A raw hop from one queue to another by `startRelay`, measured like the hub: one message
    /// through first, then `count` from the first publish to the last arrival, as fast as the
    /// hop takes them or at `rate` messages per second.
    private func hop(
        size: Int, count: Int, rate: Double? = nil,
        startRelay: (_ source: String, _ target: String, _ run: BenchEnvironment.Run) async throws
            -> (cpu: @Sendable () -> Double?, stop: () async throws -> Void)
    ) async throws -> RunResult {
        let run = try environment.makeRun(amqpURL: amqpURL, batch: batch)
        let client = AMQPClient(settings: environment.amqp, name: "bench producer", logger: environment.logger)
        let source = "\(run.prefix).in"
        let target = "\(run.prefix).out"
        _ = try await client.declareQueue(source, options: AMQPQueueOptions())
        _ = try await client.declareQueue(target, options: AMQPQueueOptions())
        let relay = try await startRelay(source, target, run)
        let sink = Sink(settings: environment.amqp, queue: target, logger: environment.logger)
        let result: RunResult
        do {
            let messages = try environment.messages(size: size)
            try await warmUp(client: client, queue: source, run: run, messages: messages, sink: sink)
            let cpuBefore = relay.cpu()
            let started = ContinuousClock.now
            async let collected = sink.collect(expected: count, idleTimeout: .seconds(30))
            try await Producer(client: client, queue: source).publish(count: count, rate: rate) { messages.body($0, run: run.prefix) }
            let sinkResult = await collected
            let cpu = relay.cpu().flatMap { after in cpuBefore.map { after - $0 } }
            result = RunResult(messages: count, sink: sinkResult, started: started, peakRSS: nil, cpuSeconds: cpu)
        } catch {
            await sink.close()
            // The run failed already: its own error is the one to report.
            try? await relay.stop()
            throw error
        }
        await sink.close()
        // Before its queues go, so that it ends on SIGTERM rather than on a queue deleted under
        // it; a relay that failed leaves the run's queues and its log in place.
        try await relay.stop()
        try? await client.deleteQueue(source)
        try? await client.deleteQueue(target)
        await environment.cleanUp(run, client: client)
        await client.close()
        return result
    }

    /// Submissions through running hubd instances (one unless the store is a fleet's) to the
    /// register's queue, as fast as they take them or at `rate` messages per second.
    func hub(size: Int, count: Int, rate: Double? = nil, store: HubStoreChoice = .sqlite) async throws -> RunResult {
        let run = try environment.makeRun(amqpURL: amqpURL, batch: batch)
        let client = AMQPClient(settings: environment.amqp, name: "bench producer", logger: environment.logger)
        _ = try await client.declareQueue(run.submitQueue, options: AMQPQueueOptions())
        let database = try store.location(for: run)
        var instances: [ChildProcess] = []
        var readiness: [String] = []
        for number in 1...store.instances {
            // With its REST API up and idle, as it runs in production: the AMQP path must not pay for it.
            var (settings, base) = try restIdle(run, name: "auth-idle-\(number)")
            if let database {
                settings["HUBD_DATABASE"] = database.url
                settings["HUBD_INSTANCE"] = "bench-\(number)"
            }
            let log = run.directory.appendingPathComponent(store.instances == 1 ? "hubd.log" : "hubd-\(number).log")
            instances.append(ChildProcess(executable: environment.hubd, arguments: ["serve"], environment: settings, log: log))
            readiness.append(base + "/readyz")
        }
        for instance in instances { try instance.start() }
        // On a failed run; a finished one stops them below and fails when one did not exit cleanly.
        defer { for instance in instances { try? instance.stop() } }
        // Every instance consuming before the clock starts, or the first would take the start alone.
        for url in readiness { try await Self.waitUntilReady(url, log: run.directory) }
        let sink = Sink(settings: environment.amqp, queue: run.receiverQueue, logger: environment.logger)
        let messages = try environment.messages(size: size)
        try await warmUp(client: client, queue: run.submitQueue, run: run, messages: messages, sink: sink)
        let cpuBefore = instances.cpuSeconds
        let databaseBefore = database.map { _ in ProcessCPU.postgres() }
        let started = ContinuousClock.now
        async let collected = sink.collect(expected: count, idleTimeout: .seconds(30))
        try await Producer(client: client, queue: run.submitQueue).publish(count: count, rate: rate) { messages.body($0, run: run.prefix) }
        let sinkResult = await collected
        let cpu = instances.cpuSeconds.flatMap { after in cpuBefore.map { after - $0 } }
        var result = RunResult(
            messages: count, sink: sinkResult, started: started, peakRSS: instances.compactMap(\.peakRSS).max(), cpuSeconds: cpu)
        result.databaseCPUSeconds = databaseBefore.map { ProcessCPU.postgres() - $0 }
        await sink.close()
        for instance in instances { try instance.stop() }
        await environment.cleanUp(run, client: client)
        if let database { try await PostgresStore.dropSchema(database.location, logger: environment.logger) }
        await client.close()
        return result
    }

    /// One message through before the clock starts, so connection set-up is not measured.
    private func warmUp(client: AMQPClient, queue: String, run: BenchEnvironment.Run, messages: BenchMessages, sink: Sink) async throws {
        try await Producer(client: client, queue: queue).publish(count: 1, rate: nil) { _ in messages.body(-1, run: run.prefix + "warm") }
        let warm = await sink.collect(expected: 1, idleTimeout: .seconds(30))
        guard warm.received == 1 else { throw BenchError("the warm-up message did not arrive; see the logs in \(run.directory.path)") }
    }

    struct BacklogResult: Sendable, Codable {
        var messages: Int
        var acceptSeconds: Double
        var acceptThroughput: Double
        var peakRSSWhileAcceptingBytes: Int?
        var restartToDispatchSeconds: Double
        var drainSeconds: Double
        var drainThroughput: Double
        var delivered: Int
        var peakRSSWhileDrainingBytes: Int?
        /// hubd's CPU time per message while accepting the backlog, and while draining it.
        var acceptCPUMicrosecondsPerMessage: Double?
        var drainCPUMicrosecondsPerMessage: Double?
    }

    /// A backlog of `count` accepted but unsent messages (the receiver's queue refuses them),
    /// hubd restarted with the backlog in its store, then the queue released and drained.
    func backlog(size: Int, count: Int) async throws -> BacklogResult {
        let run = try environment.makeRun(amqpURL: amqpURL, batch: batch)
        let client = AMQPClient(settings: environment.amqp, name: "bench producer", logger: environment.logger)
        _ = try await client.declareQueue(run.submitQueue, options: AMQPQueueOptions())
        _ = try await client.declareQueue(run.receiverQueue, options: AMQPQueueOptions(arguments: [
            "x-max-length": .int(0), "x-overflow": .string("reject-publish"),
        ]))
        let log = run.directory.appendingPathComponent("hubd.log")
        let first = ChildProcess(
            executable: environment.hubd, arguments: ["serve"], environment: run.environment, log: log)
        try first.start()
        let messages = try environment.messages(size: size)
        let acceptStart = ContinuousClock.now
        try await Producer(client: client, queue: run.submitQueue).publish(count: count, rate: nil) { messages.body($0, run: run.prefix) }
        let store = try SQLiteStore(path: run.database)
        while try await store.pendingCount() < count {
            try await Task.sleep(for: .milliseconds(500))
        }
        let acceptSeconds = Self.seconds(ContinuousClock.now - acceptStart)
        let acceptRSS = first.peakRSS
        let acceptCPU = first.cpuSeconds
        try first.stop()

        try await client.deleteQueue(run.receiverQueue)
        _ = try await client.declareQueue(run.receiverQueue, options: AMQPQueueOptions())
        let sink = Sink(settings: environment.amqp, queue: run.receiverQueue, logger: environment.logger)
        let second = ChildProcess(
            executable: environment.hubd, arguments: ["serve"], environment: run.environment, log: log)
        let restarted = ContinuousClock.now
        try second.start()
        let drained = await sink.collect(expected: count, idleTimeout: .seconds(60))
        let drainCPU = second.cpuSeconds
        let firstArrival = drained.firstArrival ?? restarted
        let lastArrival = drained.lastArrival ?? restarted
        let drainSeconds = Self.seconds(lastArrival - firstArrival)
        let result = BacklogResult(
            messages: count, acceptSeconds: acceptSeconds, acceptThroughput: Double(count) / acceptSeconds,
            peakRSSWhileAcceptingBytes: acceptRSS,
            restartToDispatchSeconds: Self.seconds(firstArrival - restarted),
            drainSeconds: drainSeconds, drainThroughput: drainSeconds > 0 ? Double(drained.received) / drainSeconds : 0,
            delivered: drained.received, peakRSSWhileDrainingBytes: second.peakRSS,
            acceptCPUMicrosecondsPerMessage: acceptCPU.map { $0 / Double(count) * 1e6 },
            drainCPUMicrosecondsPerMessage: drained.received > 0 ? drainCPU.map { $0 / Double(drained.received) * 1e6 } : nil)
        await sink.close()
        try second.stop()
        await environment.cleanUp(run, client: client)
        await client.close()
        return result
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
