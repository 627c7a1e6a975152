import CoreMetrics
import Foundation

/// The hub's counters and timings, made by the metrics factory hubd exports (Prometheus):
/// names follow Prometheus' conventions (`_total` counters, `_seconds` timings).
package struct HubMetrics: Sendable {
    private let handles: MetricHandles
    private let lanes: Gauge
    /// Made once: it is recorded for every message sent, and a look-up by label costs more
    /// than the recording.
    private let dispatchLatency: CoreMetrics.Timer

    /// - Parameter factory: where the metrics go; by default nowhere.
    package init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        handles = MetricHandles(factory: factory)
        lanes = Gauge(label: "hubd_dispatch_lanes_waiting", factory: factory)
        dispatchLatency = handles.timer("hubd_dispatch_latency_seconds")
    }

    /// A message reached a status.
    package func reached(_ status: MessageStatus, count: Int = 1) {
        guard count > 0 else { return }
        handles.counter("hubd_messages_total", [("status", status.rawValue)]).increment(by: count)
    }

    /// A submission was refused by an ingress check.
    package func refused(_ condition: ErrorCondition) {
        handles.counter("hubd_ingress_refusals_total", [("condition", condition.rawValue)]).increment()
    }

    package func retried() { handles.counter("hubd_dispatch_retries_total").increment() }
    package func deadLettered() { handles.counter("hubd_dead_letters_total").increment() }

    /// From acceptance to the destination taking the message.
    package func dispatched(after latency: TimeInterval) {
        dispatchLatency.recordNanoseconds(Int64(max(0, latency) * 1e9))
    }

    /// How many lanes (destinations) have messages waiting.
    package func lanesWaiting(_ count: Int) { lanes.record(count) }
}
