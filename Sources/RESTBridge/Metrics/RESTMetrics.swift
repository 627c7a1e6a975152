import CoreMetrics
import HTTPTypes
import Hummingbird

/// Request counts and durations of the API, by method and status.
package struct RESTMetrics: Sendable {
    private let factory: any MetricsFactory

    package init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    func record(method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        let dimensions = [("method", method.rawValue), ("status", String(status.code))]
        Counter(label: "hubd_http_requests_total", dimensions: dimensions, factory: factory).increment()
        CoreMetrics.Timer(label: "hubd_http_request_duration_seconds", dimensions: [("method", method.rawValue)], factory: factory)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
