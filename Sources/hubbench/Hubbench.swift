import AMQPBridge
import ArgumentParser
import Foundation
import Logging

/// hubbench: hubd against the raw broker, side by side, in the same run.
@main
struct Hubbench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hubbench",
        abstract: "Measure hubd against a plain C relay on rabbitmq-c and a relay over its own AMQP layer, in one run.")

    @Option(help: "Broker URL.") var amqp = ProcessInfo.processInfo.environment["HUBD_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5682/"
    @Option(help: "The hubd executable (a release build).") var hubd = ".build/release/hubd"
    @Option(help: "The C relay, the headline baseline (a release build of the crelay product).") var crelay = ".build/release/crelay"
    @Option(help: "The REST scenario's HTTP client (a release build of the restload product).") var restload = ".build/release/restload"
    @Option(help: "Scenarios, comma-separated: steady, floor (2 KiB, beside the C relay's durable mode), rate, backlog, rest, events, fleet, checks (the ingress checks alone, in process).")
    var scenarios = "steady,floor,rate,backlog,rest,events,fleet,checks"
    @Option(help: "Message sizes in bytes for the steady state, comma-separated.") var sizes = "2048,65536"
    @Option(help: "Messages per steady-state run.") var count = 20_000
    @Option(help: "Messages per fixed-rate run.") var rateCount = 5_000
    @Option(help: "The fixed rate in messages per second (default: half of hubd's 2 KiB steady state, measured first).")
    var rate: Double?
    @Option(help: "Messages in the backlog scenario.") var backlogCount = 1_000_000
    @Option(help: "Messages per REST run (POST /messages, 2 KiB).") var restCount = 20_000
    @Option(help: "Keep-alive connections the REST scenario sends over (enough to keep hubd busy: with fewer, each waits for its answer and the client, not hubd, sets the rate).") var restConnections = 128
    @Option(help: "Events per event fan-out run.") var eventCount = 10_000
    @Option(help: "AMQP subscribers in the event fan-out run.") var eventSubscribers = 100
    @Option(help: "The PostgreSQL database of the fleet scenario (postgres://user:password@host:port/db; each run makes a schema of its own and drops it).")
    var postgres: String?
    @Option(help: "Instance counts of the fleet scenario, comma-separated.") var instances = "1,2,3"
    @Option(help: "Messages per fleet run (2 KiB).") var fleetCount = 20_000
    @Option(help: "Messages per batch for the baseline relay and for hubd (its batch_size; prefetch twice that).") var batch = 1000
    @Option(help: "Relays side by side in the baseline, each with its own consumer and publisher connection.") var relays = 1
    @Option(help: "Repetitions of each measurement (the median and spread are reported).") var repeats = 3
    @Option(help: "Write the results as JSON to this file.") var json: String?
    @Option(help: "The example messages and registry.") var examples = "deploy/examples"
    @Option(help: "hubd's XSDs, for the floor scenario.") var schemas = "Sources/Dialogs/Schemas"
    @Flag(help: "Random (UUID) MsgIds, as senders make them, instead of <run>-<n> ones, nearly in order.") var randomMsgIds = false

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "hubbench")
        logger.logLevel = .warning
        let root = URL(fileURLWithPath: examples)
        let environment = BenchEnvironment(
            amqp: try AMQPSettings(url: amqp), hubd: URL(fileURLWithPath: hubd), crelay: URL(fileURLWithPath: crelay),
            restload: URL(fileURLWithPath: restload),
            examples: root.appendingPathComponent("messages"), schemas: URL(fileURLWithPath: schemas), randomMsgIds: randomMsgIds,
            registry: root.appendingPathComponent("registry.json"),
            logger: logger)
        guard FileManager.default.isExecutableFile(atPath: hubd) else {
            throw BenchError("no hubd executable at \(hubd); build it with `swift build -c release`")
        }
        let bench = Scenarios(environment: environment, amqpURL: amqp, batch: batch, relayCount: relays)
        let wanted = Set(scenarios.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        // The steady state, the floor, the fixed rate and the fleet run the C relay; the floor
        // and the fixed rate its durable mode, which compiles hubd's XSDs.
        guard wanted.isDisjoint(with: ["steady", "floor", "rate", "fleet"]) || FileManager.default.isExecutableFile(atPath: crelay) else {
            throw BenchError("no C relay at \(crelay); build it with `swift build -c release --product crelay`")
        }
        guard wanted.isDisjoint(with: ["floor", "rate"])
            || FileManager.default.fileExists(atPath: environment.schemas.appendingPathComponent("all-messages.xsd").path) else {
            throw BenchError("no XSDs at \(schemas) (all-messages.xsd); run from the package's root or pass --schemas")
        }
        guard !wanted.contains("rest") || FileManager.default.isExecutableFile(atPath: restload) else {
            throw BenchError("no REST client at \(restload); build it with `swift build -c release --product restload`")
        }
        guard !wanted.contains("fleet") || postgres != nil else {
            throw BenchError("the fleet scenario needs --postgres URL (scripts/cluster start-postgres; scripts/cluster pg-url)")
        }
        var report = BenchReport()
        report.randomMsgIds = randomMsgIds
        var steadyTwoKiB: Double?

        if wanted.contains("steady") {
            for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
                var cRelay: [RunResult] = []
                var relay: [RunResult] = []
                var hub: [RunResult] = []
                for attempt in 1...repeats {
                    // Alternate, so drift in the machine's speed touches all alike.
                    cRelay.append(try await bench.cRelay(size: size, count: count))
                    relay.append(try await bench.swiftRelay(size: size, count: count))
                    hub.append(try await bench.hub(size: size, count: count))
                    print("  steady \(size) B, run \(attempt): C relay \(Self.line(cRelay.last)), " +
                          "AMQPBridge relay \(Self.line(relay.last)), hub \(Self.line(hub.last))")
                }
                let entry = BenchReport.Steady(size: size, cRelay: cRelay, relay: relay, hub: hub)
                report.steady.append(entry)
                if size == 2048 { steadyTwoKiB = entry.hubThroughput.median }
                print(entry.summary)
            }
        }
        if wanted.contains("floor") {
            var entry = BenchReport.Floor(size: 2048, cRelay: [], durable: [], hub: [])
            for attempt in 1...repeats {
                // Alternate, as in the steady state, so drift in the machine's speed touches all alike.
                entry.cRelay.append(try await bench.cRelay(size: 2048, count: count))
                entry.durable.append(try await bench.cRelay(size: 2048, count: count, durable: true))
                entry.hub.append(try await bench.hub(size: 2048, count: count))
                print("  floor run \(attempt): C relay \(Self.line(entry.cRelay.last)), " +
                      "durable C relay \(Self.line(entry.durable.last)), hub \(Self.line(entry.hub.last))")
            }
            report.floor = entry
            print(entry.summary)
        }
        if wanted.contains("rate") {
            let rate: Double
            if let fixed = self.rate {
                rate = fixed
            } else if let steadyTwoKiB {
                rate = steadyTwoKiB / 2
            } else {
                rate = try await bench.hub(size: 2048, count: count).throughput / 2
            }
            var runs: [RunResult] = []
            var cRelay: [RunResult] = []
            var durable: [RunResult] = []
            for attempt in 1...repeats {
                cRelay.append(try await bench.cRelay(size: 2048, count: rateCount, rate: rate))
                durable.append(try await bench.cRelay(size: 2048, count: rateCount, rate: rate, durable: true))
                runs.append(try await bench.hub(size: 2048, count: rateCount, rate: rate))
                print("  rate \(Int(rate)) msg/s, run \(attempt): p99 \(Self.format(runs.last?.p99 ?? 0)) ms, \(Self.line(runs.last)); " +
                      "C relay p99 \(Self.format(cRelay.last?.p99 ?? 0)) ms; durable C relay p99 \(Self.format(durable.last?.p99 ?? 0)) ms")
            }
            let entry = BenchReport.Rate(rate: rate, runs: runs, cRelay: cRelay, durable: durable)
            report.rate = entry
            print(entry.summary)
        }
        if wanted.contains("backlog") {
            var runs: [Scenarios.BacklogResult] = []
            for attempt in 1...repeats {
                runs.append(try await bench.backlog(size: 2048, count: backlogCount))
                print("  backlog run \(attempt): " + BenchReport.summary(runs[runs.count - 1], steady: steadyTwoKiB))
            }
            report.backlog = runs
            print(BenchReport.summary(runs, steady: steadyTwoKiB))
        }
        if wanted.contains("rest") {
            var runs: [Scenarios.RESTResult] = []
            for attempt in 1...repeats {
                runs.append(try await bench.rest(size: 2048, count: restCount, connections: restConnections))
                print("  rest run \(attempt): " + BenchReport.summary(runs[runs.count - 1]))
            }
            let half = Statistics(runs.map(\.throughput)).median / 2
            var paced: [Scenarios.RESTResult] = []
            for attempt in 1...repeats {
                paced.append(try await bench.rest(size: 2048, count: min(restCount, Int(half * 10)), connections: restConnections, rate: half))
                print("  rest at \(Int(half)) req/s, run \(attempt): " + BenchReport.summary(paced[paced.count - 1]))
            }
            report.rest = runs
            report.restAtHalfRate = paced
            print("rest (2048 B, \(restConnections) connections): accepted \(describe(Statistics(runs.map(\.throughput)))) msg/s; " +
                  "at half that rate p99 \(Self.format(Statistics(paced.map(\.p99)).median)) ms")
        }
        if wanted.contains("events") {
            var runs: [Scenarios.EventsResult] = []
            for attempt in 1...repeats {
                runs.append(try await bench.events(count: eventCount, subscribers: eventSubscribers))
                print("  events run \(attempt): " + BenchReport.summary(runs[runs.count - 1]))
            }
            report.events = runs
            print("events (\(eventSubscribers) AMQP subscribers): \(describe(Statistics(runs.map(\.acceptedPerSecond)))) events/s accepted; " +
                  "\(describe(Statistics(runs.map(\.eventsPerSecond)))) events/s delivered to all; " +
                  "\(describe(Statistics(runs.map(\.deliveriesPerSecond)))) deliveries/s; p99 publish to delivery " +
                  "\(Self.format(Statistics(runs.map(\.p99)).median)) ms")
        }
        if wanted.contains("fleet"), let postgres {
            let counts = instances.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
            var entry = BenchReport.Fleet(size: 2048, cRelay: [], sqlite: [], postgres: counts.map { .init(instances: $0, runs: []) })
            for attempt in 1...repeats {
                // Alternate, as in the steady state, so drift in the machine's speed touches all alike.
                entry.cRelay.append(try await bench.cRelay(size: 2048, count: fleetCount))
                entry.sqlite.append(try await bench.hub(size: 2048, count: fleetCount))
                var line = "  fleet run \(attempt): C relay \(Self.line(entry.cRelay.last)), SQLite \(Self.line(entry.sqlite.last))"
                for index in entry.postgres.indices {
                    let count = entry.postgres[index].instances
                    let run = try await bench.hub(size: 2048, count: fleetCount, store: .postgres(url: postgres, instances: count))
                    entry.postgres[index].runs.append(run)
                    line += ", PostgreSQL × \(count) \(Self.line(run))"
                }
                print(line)
            }
            report.fleet.append(entry)
            print(entry.summary)
        }
        if wanted.contains("checks") {
            // Single-threaded and in process: the run of one build is seconds, so A/B rounds are cheap.
            for attempt in 1...repeats {
                let result = try bench.checks(size: 2048, count: 20_000)
                report.checks.append(result)
                print("  checks run \(attempt): parse \(Self.format(result.parseMicroseconds)) µs, " +
                      "parse and validate \(Self.format(result.parseAndValidateMicroseconds)) µs CPU per message")
            }
            print("checks (2048 B, in process): parse \(describe(Statistics(report.checks.map(\.parseMicroseconds)))) µs, " +
                  "parse and validate \(describe(Statistics(report.checks.map(\.parseAndValidateMicroseconds)))) µs CPU per message")
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
            print("results written to \(json)")
        }
        let losses = report.losses
        guard losses.isEmpty else { throw BenchError("messages went missing: " + losses.joined(separator: "; ")) }
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Throughput and, where known, CPU time per message of one run.
    static func line(_ run: RunResult?) -> String {
        guard let run else { return "?" }
        let cpu = run.cpuMicrosecondsPerMessage.map { ", \(Int($0.rounded())) µs CPU/msg" } ?? ""
        return "\(Int(run.throughput)) msg/s\(cpu)"
    }
}
