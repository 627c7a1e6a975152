import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// hubd's HTTP API: routes over the hub, behind the problem, authentication and rate-limit
/// middleware. `application()` gives the server, a `Service` to run in hubd's service group.
package struct RESTAPI: Sendable {
    package var settings: RESTSettings
    package var hub: HubService
    /// REST submissions go through the hub's one ingress pipeline from here.
    package var submissions: DirectSubmissionSource
    package var authenticator: any RequestAuthenticating
    package var readiness: ReadinessCheck
    /// The registry `/metrics` emits; nil serves an empty page.
    package var prometheus: PrometheusCollectorRegistry?
    package var metrics: RESTMetrics
    /// Called after the delivery channels changed (gateway consumers follow them).
    package var channelsChanged: @Sendable () async -> Void
    package var logger: Logger
    /// PROMs form orders; nil when no PROMs service is configured (its endpoints answer 503).
    package var proms: PromsEndpoints?

    package init(
        settings: RESTSettings, hub: HubService, submissions: DirectSubmissionSource,
        authenticator: any RequestAuthenticating, readiness: ReadinessCheck,
        prometheus: PrometheusCollectorRegistry? = nil, metrics: RESTMetrics = RESTMetrics(),
        channelsChanged: @escaping @Sendable () async -> Void = {}, logger: Logger, proms: PromsEndpoints? = nil
    ) {
        self.settings = settings
        self.hub = hub
        self.submissions = submissions
        self.authenticator = authenticator
        self.readiness = readiness
        self.prometheus = prometheus
        self.metrics = metrics
        self.channelsChanged = channelsChanged
        self.logger = logger
        self.proms = proms
    }

    var store: any HubStore { hub.store }
    var bodies: BodyReader { BodyReader(limit: settings.maxBodyBytes, timeout: settings.requestTimeout) }

    /// The router with every route and middleware.
    package func router() -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        // Middleware applies to the routes added after it; the table of routes is filled below,
        // before the first request reads it.
        let table = RouteTableBox()
        router.middlewares.add(ProblemMiddleware(routes: table, metrics: metrics))
        router.middlewares.add(AuthMiddleware(
            routes: table, authenticator: authenticator, registry: hub.registry,
            limiter: RateLimiter(rate: settings.rateLimit, burst: settings.rateBurst), settings: settings))
        var routes = RouteTable()
        addMessageRoutes(to: router, table: &routes)
        addConfigurationRoutes(to: router, table: &routes)
        addNotificationRoutes(to: router, table: &routes)
        addOperationsRoutes(to: router, table: &routes)
        addEventRoutes(to: router, table: &routes)
        addSubscriptionRoutes(to: router, table: &routes)
        addPromsRoutes(to: router, table: &routes)
        addConversationRoutes(to: router, table: &routes)
        table.set(routes)
        return router
    }

    /// The HTTP server: idle connections and stalled requests are closed after the request timeout.
    package func application() -> some ApplicationProtocol {
        let seconds = Int64(settings.requestTimeout.components.seconds)
        return Application(
            router: router(),
            // Longer than the body timeout, so that a stalled body gets its 408 before the close.
            server: .http1(configuration: .init(idleTimeout: .seconds(max(1, seconds) + 5))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "hubd"),
            logger: logger)
    }
}

extension RESTAPI {
    /// A JSON answer.
    func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.sorted.encode(value))))
    }

    /// 202 with `{"id": ...}` and the new resource's `Location`: the answer to every accepted
    /// submission, so it is written directly rather than through `JSONEncoder` (2.5 % of hubd's
    /// CPU under REST load, for one member).
    func accepted(id: String, location: String) -> Response {
        let body = JSONValue.object(["id": .string(id)]).canonicalBytes
        return Response(
            status: .accepted, headers: [.contentType: "application/json", .location: location],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The caller set by the authentication middleware.
    func caller(_ context: HubRequestContext) throws(Problem) -> Caller {
        guard let caller = context.caller else { throw Problem(.unauthorized, type: "urn:hubd:unauthorized", detail: "No token") }
        return caller
    }
}
