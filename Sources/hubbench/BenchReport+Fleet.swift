import Foundation

extension BenchReport {
    /// hubd as a fleet on PostgreSQL, with 1, 2, 3... instances on one broker, beside the C relay
    /// and one hubd on SQLite measured in the same rounds.
    struct Fleet: Codable {
        struct Instances: Codable {
            var instances: Int
            var runs: [RunResult]
        }

        var size: Int
        var cRelay: [RunResult]
        var sqlite: [RunResult]
        var postgres: [Instances]

        var summary: String {
            let baseline = Statistics(cRelay.map(\.throughput)).median
            let single = postgres.first { $0.instances == 1 }.map { Statistics($0.runs.map(\.throughput)).median }
            var lines = [
                "fleet \(size) B: C relay \(describe(Statistics(cRelay.map(\.throughput)))) msg/s, \(median(cRelay.map(\.cpuMicrosecondsPerMessage))) µs CPU/msg",
                "  SQLite, 1 instance: " + Self.line(sqlite, instances: 1, baseline: baseline, single: nil),
            ]
            for entry in postgres {
                let plural = entry.instances == 1 ? "instance" : "instances"
                lines.append("  PostgreSQL, \(entry.instances) \(plural): " +
                             Self.line(entry.runs, instances: entry.instances, baseline: baseline, single: single))
            }
            return lines.joined(separator: "\n")
        }

        /// Throughput, its ratios, and the CPU a deployment is sized by: hubd's (all instances)
        /// and PostgreSQL's per message, and how busy each instance kept its core.
        private static func line(_ runs: [RunResult], instances: Int, baseline: Double, single: Double?) -> String {
            let throughput = Statistics(runs.map(\.throughput))
            var parts = ["\(describe(throughput)) msg/s", String(format: "%.2f of the C relay", baseline > 0 ? throughput.median / baseline : 0)]
            if let single, instances > 1, single > 0 {
                parts.append(String(format: "%.2f of one instance", throughput.median / single))
            }
            parts.append("hubd \(median(runs.map(\.cpuMicrosecondsPerMessage))) µs CPU/msg")
            let database = runs.compactMap(\.databaseCPUMicrosecondsPerMessage)
            if !database.isEmpty { parts.append("PostgreSQL \(median(database)) µs CPU/msg") }
            let cores = runs.compactMap { run in run.cpuSeconds.map { $0 / max(run.seconds, 0.001) / Double(instances) } }
            if !cores.isEmpty { parts.append(String(format: "%.2f cores per instance", Statistics(cores).median)) }
            parts.append("p99 \(String(format: "%.1f", Statistics(runs.map(\.p99)).median)) ms")
            parts.append("missing \(runs.missing)")
            return parts.joined(separator: ", ")
        }
    }
}
