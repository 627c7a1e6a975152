import CoreMetrics
import Foundation

/// The hub's counters and timings, made by the metrics factory hubd exports (Prometheus):
/// names follow Prometheus' conventions (`_total` counters, `_seconds` timings).
///
/// Every counter and timer is made once, in `init`: they are recorded for every message, and a
/// look-up by label (a locked registry) costs more than the recording. So every series is
/// exported from the start, at 0 until something happens.
package struct HubMetrics: Sendable {
    private let statuses: [MessageStatus: Counter]
    private let refusals: [ErrorCondition: Counter]
    private let retries: Counter
    private let deadLetters: Counter
    private let dispatchLatency: CoreMetrics.Timer
    private let lanes: Gauge

    /// - Parameter factory: where the metrics go; by default nowhere.
    package init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        statuses = Dictionary(uniqueKeysWithValues: MessageStatus.allCases.map { status in
            (status, Counter(label: "hubd_messages_total", dimensions: [("status", status.rawValue)], factory: factory))
        })
        refusals = Dictionary(uniqueKeysWithValues: ErrorCondition.allCases.map { condition in
            (condition, Counter(label: "hubd_ingress_refusals_total", dimensions: [("condition", condition.rawValue)], factory: factory))
        })
        retries = Counter(label: "hubd_dispatch_retries_total", factory: factory)
        deadLetters = Counter(label: "hubd_dead_letters_total", factory: factory)
        dispatchLatency = CoreMetrics.Timer(label: "hubd_dispatch_latency_seconds", factory: factory)
        lanes = Gauge(label: "hubd_dispatch_lanes_waiting", factory: factory)
    }

    /// A message reached a status.
    package func reached(_ status: MessageStatus, count: Int = 1) {
        guard count > 0 else { return }
        statuses[status]?.increment(by: count)
    }

    /// A submission was refused by an ingress check.
    package func refused(_ condition: ErrorCondition) { refusals[condition]?.increment() }

    package func retried() { retries.increment() }
    package func deadLettered() { deadLetters.increment() }

    /// From acceptance to the destination taking the message.
    package func dispatched(after latency: TimeInterval) {
        dispatchLatency.recordNanoseconds(Int64(max(0, latency) * 1e9))
    }

    /// How many lanes (destinations) have messages waiting.
    package func lanesWaiting(_ count: Int) { lanes.record(count) }
}
