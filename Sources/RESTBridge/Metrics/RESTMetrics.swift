import CoreMetrics
import HTTPTypes
import Hub
import Hummingbird

/// Request counts and durations of the API, by method and status.
package struct RESTMetrics: Sendable {
    private let handles: MetricHandles

    package init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        handles = MetricHandles(factory: factory)
    }

    func record(method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        handles.counter("hubd_http_requests_total", [("method", method.rawValue), ("status", String(status.code))]).increment()
        handles.timer("hubd_http_request_duration_seconds", [("method", method.rawValue)])
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
