import Foundation

/// The results of one hubbench run, printable and encodable.
struct BenchReport: Codable {
    struct Steady: Codable {
        var size: Int
        /// The headline baseline: the C relay on rabbitmq-c.
        var cRelay: [RunResult]
        /// The same hop over hubd's AMQPBridge, inside hubbench.
        var relay: [RunResult]
        var hub: [RunResult]

        var cRelayThroughput: Statistics { Statistics(cRelay.map(\.throughput)) }
        var relayThroughput: Statistics { Statistics(relay.map(\.throughput)) }
        var hubThroughput: Statistics { Statistics(hub.map(\.throughput)) }
        /// hub / C relay, of the medians.
        var ratio: Double { cRelayThroughput.median > 0 ? hubThroughput.median / cRelayThroughput.median : 0 }

        var summary: String {
            let rss = hub.compactMap(\.peakRSSBytes).max().map { "\($0 / (1024 * 1024)) MiB" } ?? "?"
            let lost = (hub + cRelay + relay).missing
            let relayRatio = relayThroughput.median > 0 ? hubThroughput.median / relayThroughput.median : 0
            return """
                steady \(size) B: C relay \(describe(cRelayThroughput)) msg/s, \(cpu(cRelay)) µs CPU/msg; \
                AMQPBridge relay \(describe(relayThroughput)) msg/s; \
                hub \(describe(hubThroughput)) msg/s, \(cpu(hub)) µs CPU/msg; \
                hub/C relay \(String(format: "%.2f", ratio)) (hub/AMQPBridge relay \(String(format: "%.2f", relayRatio))); \
                hub p50/p95/p99 \(latency(hub)) ms; hubd peak RSS \(rss); missing \(lost)
                """
        }

        enum CodingKeys: String, CodingKey { case size, cRelay, relay, hub }
    }

    /// hubd beside the least its guarantees cost: the C relay's durable mode validates every
    /// body against hubd's schemas and stores it in SQLite (hubd's settings) before publishing,
    /// and records it as sent before acknowledging, and does nothing else hubd does.
    struct Floor: Codable {
        var size: Int
        var cRelay: [RunResult]
        var durable: [RunResult]
        var hub: [RunResult]

        var summary: String {
            let hubCPU = Statistics(hub.compactMap(\.cpuMicrosecondsPerMessage)).median
            let durableCPU = Statistics(durable.compactMap(\.cpuMicrosecondsPerMessage)).median
            return "floor \(size) B: C relay \(describe(Statistics(cRelay.map(\.throughput)))) msg/s, \(cpu(cRelay)) µs CPU/msg; " +
                "durable C relay \(describe(Statistics(durable.map(\.throughput)))) msg/s, \(cpu(durable)) µs CPU/msg; " +
                "hub \(describe(Statistics(hub.map(\.throughput)))) msg/s, \(cpu(hub)) µs CPU/msg; " +
                "hub/durable C relay CPU per message \(String(format: "%.2f", durableCPU > 0 ? hubCPU / durableCPU : 0)); " +
                "missing \((cRelay + durable + hub).missing)"
        }
    }

    struct Rate: Codable {
        var rate: Double
        var runs: [RunResult]
        /// The C relay paced the same way: the latency the broker's two hops cost at that rate.
        var cRelay: [RunResult]
        /// Its durable mode paced the same way: the latency a commit to disk per batch adds at
        /// the least. Nil in reports written before it was measured.
        var durable: [RunResult]?

        var summary: String {
            "fixed rate \(Int(rate)) msg/s (2048 B): p50/p95/p99 \(latency(runs)) ms (median of \(runs.count) runs), " +
                "\(cpu(runs)) µs CPU/msg, missing \(runs.missing); C relay at that rate \(latency(cRelay)) ms, " +
                "\(cpu(cRelay)) µs CPU/msg, missing \(cRelay.missing)" +
                (durable.map { "; durable C relay \(latency($0)) ms, \(cpu($0)) µs CPU/msg, missing \($0.missing)" } ?? "")
        }
    }

    /// Whether the submissions had random (UUID) MsgIds (`--random-msg-ids`); nil in reports
    /// written before the option.
    var randomMsgIds: Bool?
    var steady: [Steady] = []
    var floor: Floor?
    var rate: Rate?
    var backlog: [Scenarios.BacklogResult] = []
    var rest: [Scenarios.RESTResult] = []
    var restAtHalfRate: [Scenarios.RESTResult] = []
    var events: [Scenarios.EventsResult] = []
    var fleet: [Fleet] = []
    var checks: [Scenarios.ChecksResult] = []

    /// What went missing in any run: a benchmark that lost messages measured nothing worth
    /// reporting, so hubbench fails on it (and a smoke run in `scripts/test` catches it).
    var losses: [String] {
        var lost: [String] = []
        for entry in steady {
            for (name, runs) in [("C relay", entry.cRelay), ("AMQPBridge relay", entry.relay), ("hub", entry.hub)] {
                let missing = runs.missing
                if missing > 0 { lost.append("steady \(entry.size) B, \(name): \(missing) missing") }
            }
        }
        if let floor {
            for (name, runs) in [("C relay", floor.cRelay), ("durable C relay", floor.durable), ("hub", floor.hub)] where runs.missing > 0 {
                lost.append("floor, \(name): \(runs.missing) missing")
            }
        }
        if let rate {
            for (name, runs) in [("hub", rate.runs), ("C relay", rate.cRelay), ("durable C relay", rate.durable ?? [])] where runs.missing > 0 {
                lost.append("fixed rate, \(name): \(runs.missing) missing")
            }
        }
        for run in backlog where run.delivered < run.messages {
            lost.append("backlog: \(run.messages - run.delivered) not delivered")
        }
        for run in rest + restAtHalfRate where run.delivered < run.accepted {
            lost.append("rest: \(run.accepted - run.delivered) accepted but not delivered")
        }
        for entry in fleet {
            let runs = [("C relay", entry.cRelay), ("SQLite", entry.sqlite)] + entry.postgres.map { ("PostgreSQL × \($0.instances)", $0.runs) }
            for (name, runs) in runs where runs.missing > 0 {
                lost.append("fleet \(entry.size) B, \(name): \(runs.missing) missing")
            }
        }
        for run in events where run.deliveries < run.expectedDeliveries {
            lost.append("events: \(run.expectedDeliveries - run.deliveries) deliveries missing")
        }
        return lost
    }

    static func summary(_ run: Scenarios.RESTResult) -> String {
        func micros(_ value: Double?) -> String { value.map { "\(Int($0)) µs" } ?? "?" }
        let cpu = "CPU/msg: hubd \(micros(run.hubdCPUMicrosecondsPerMessage)), client \(micros(run.clientCPUMicrosecondsPerMessage)), " +
            "broker \(micros(run.brokerCPUMicrosecondsPerMessage))"
        return "\(Int(run.throughput)) accepted/s, p50/p95/p99 \(String(format: "%.1f/%.1f/%.1f", run.p50, run.p95, run.p99)) ms, " +
            "\(cpu), accepted \(run.accepted) of \(run.messages), delivered \(run.delivered)"
    }

    static func summary(_ run: Scenarios.EventsResult) -> String {
        let cpu = run.hubdCPUMicrosecondsPerEvent.map { "\(Int($0)) µs CPU/event" } ?? "CPU ?"
        return "\(Int(run.acceptedPerSecond)) events/s accepted, \(Int(run.eventsPerSecond)) events/s delivered to all, \(Int(run.deliveriesPerSecond)) deliveries/s, " +
            "p50/p99 \(String(format: "%.1f/%.1f", run.p50, run.p99)) ms, \(cpu), delivered \(run.deliveries) of \(run.expectedDeliveries)"
    }

    /// The median and spread of several backlog runs.
    static func summary(_ runs: [Scenarios.BacklogResult], steady: Double?) -> String {
        let mib = { (bytes: [Int?]) in bytes.compactMap { $0 }.max().map { "\($0 / (1024 * 1024)) MiB" } ?? "?" }
        let drain = Statistics(runs.map(\.drainThroughput))
        let restart = Statistics(runs.map(\.restartToDispatchSeconds))
        let accept = Statistics(runs.map(\.acceptThroughput))
        let ratio = steady.map { String(format: "%.2f", drain.median / $0) } ?? "?"
        return """
            backlog \(runs.first?.messages ?? 0) × \(runs.count): accepted at \(describe(accept)) msg/s \
            (peak RSS \(mib(runs.map(\.peakRSSWhileAcceptingBytes)))); restart to dispatching \
            \(String(format: "%.2f [%.2f–%.2f]", restart.median, restart.minimum, restart.maximum)) s; \
            drained at \(describe(drain)) msg/s (\(ratio) of steady state; peak RSS \(mib(runs.map(\.peakRSSWhileDrainingBytes)))); \
            hubd CPU/msg accepting \(median(runs.map(\.acceptCPUMicrosecondsPerMessage))) µs, \
            draining \(median(runs.map(\.drainCPUMicrosecondsPerMessage))) µs; \
            delivered \(runs.map(\.delivered).min() ?? 0) of \(runs.first?.messages ?? 0) at least
            """
    }

    static func summary(_ backlog: Scenarios.BacklogResult, steady: Double?) -> String {
        let mib = { (bytes: Int?) in bytes.map { "\($0 / (1024 * 1024)) MiB" } ?? "?" }
        let ratio = steady.map { String(format: "%.2f", backlog.drainThroughput / $0) } ?? "?"
        return """
            backlog \(backlog.messages): accepted in \(String(format: "%.1f", backlog.acceptSeconds)) s \
            (\(Int(backlog.acceptThroughput)) msg/s, peak RSS \(mib(backlog.peakRSSWhileAcceptingBytes))); \
            restart to dispatching \(String(format: "%.2f", backlog.restartToDispatchSeconds)) s; \
            drained \(backlog.delivered) in \(String(format: "%.1f", backlog.drainSeconds)) s \
            (\(Int(backlog.drainThroughput)) msg/s, \(ratio) of steady state, peak RSS \(mib(backlog.peakRSSWhileDrainingBytes))); \
            hubd CPU/msg accepting \(median([backlog.acceptCPUMicrosecondsPerMessage])) µs, \
            draining \(median([backlog.drainCPUMicrosecondsPerMessage])) µs
            """
    }
}

func describe(_ statistics: Statistics) -> String {
    "\(Int(statistics.median)) [\(Int(statistics.minimum))–\(Int(statistics.maximum))]"
}

/// The median CPU time per message of several runs, in whole microseconds, or "?".
private func cpu(_ runs: [RunResult]) -> String {
    median(runs.map(\.cpuMicrosecondsPerMessage))
}

func median(_ values: [Double?]) -> String {
    let known = values.compactMap { $0 }
    return known.isEmpty ? "?" : "\(Int(Statistics(known).median.rounded()))"
}

private func latency(_ runs: [RunResult]) -> String {
    let p50 = Statistics(runs.map(\.p50)).median
    let p95 = Statistics(runs.map(\.p95)).median
    let p99 = Statistics(runs.map(\.p99)).median
    return String(format: "%.1f/%.1f/%.1f", p50, p95, p99)
}

extension [RunResult] {
    /// Messages sent but never received, over these runs.
    var missing: Int { reduce(0) { $0 + $1.messages - $1.received } }
}
