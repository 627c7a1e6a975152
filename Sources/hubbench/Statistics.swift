/// Median and spread of repeated measurements, and percentiles of latencies.
struct Statistics: Sendable, Codable {
    var median: Double
    var minimum: Double
    var maximum: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        median = Self.percentile(sorted, 50)
        minimum = sorted.first ?? 0
        maximum = sorted.last ?? 0
    }

    /// The `p`-th percentile of already sorted values (nearest rank).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}

/// One measured run.
struct RunResult: Sendable, Codable {
    var messages: Int
    var received: Int
    var seconds: Double
    var throughput: Double
    var p50: Double
    var p95: Double
    var p99: Double
    var peakRSSBytes: Int?
    /// CPU time (user + system) of the measured process while the messages passed, when it is a
    /// process of its own (hubd, the C relay).
    var cpuSeconds: Double?
    /// CPU time of the PostgreSQL server while the messages passed, when the hub used it.
    var databaseCPUSeconds: Double?

    /// CPU time per message received, in microseconds; unknown when the run was shorter than
    /// the kernel's accounting tick (10 ms), which shows as no CPU time at all.
    var cpuMicrosecondsPerMessage: Double? {
        guard let cpuSeconds, cpuSeconds > 0, received > 0 else { return nil }
        return cpuSeconds / Double(received) * 1e6
    }

    /// The PostgreSQL server's CPU time per message received, in microseconds.
    var databaseCPUMicrosecondsPerMessage: Double? {
        guard let databaseCPUSeconds, received > 0 else { return nil }
        return databaseCPUSeconds / Double(received) * 1e6
    }

    init(messages: Int, sink: Sink.Result, started: ContinuousClock.Instant, peakRSS: Int?, cpuSeconds: Double? = nil) {
        self.messages = messages
        received = sink.received
        let end = sink.lastArrival ?? started
        let duration = end - started
        seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        throughput = seconds > 0 ? Double(sink.received) / seconds : 0
        let sorted = sink.latencies.sorted()
        p50 = Statistics.percentile(sorted, 50)
        p95 = Statistics.percentile(sorted, 95)
        p99 = Statistics.percentile(sorted, 99)
        peakRSSBytes = peakRSS
        self.cpuSeconds = cpuSeconds
    }
}
