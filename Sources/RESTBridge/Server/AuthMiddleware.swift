import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird

/// Authenticates every request except the open operations endpoints, expands the token's
/// HER-ids with their departments, and applies the per-token rate limit.
///
/// A request that fails authentication and that no route serves is answered 404 or 405, as NHN's
/// API (routing before authorisation) answers it, rather than 401: a client calling a method a
/// path does not have learns that whether or not it sent a token. The route table only chooses
/// the answer to a request that is refused anyway; it never lets one through.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let routes: RouteTableBox
    let authenticator: any RequestAuthenticating
    let registry: RegistryCache
    let limiter: RateLimiter
    let settings: RESTSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !isOpen(request.uri.path) else { return try await next(request, context) }
        let (scheme, host) = settings.origin(authority: request.head.authority)
        let granted: (herIds: Set<Int>, rateKey: String)
        do {
            granted = try await authenticator.authenticate(
                authorization: request.headers[.authorization], dpop: request.headers[.dpop],
                method: request.method.rawValue, scheme: scheme, host: host, path: request.uri.path, now: Date())
        } catch {
            guard routes.serves(request.method, path: request.uri.path) else { throw HTTPError(.notFound) }
            context.logger.info("request not authenticated", metadata: ["reason": "\(LogSafe.text(error.reason))"])
            var problem = Problem(.unauthorized, type: "urn:hubd:unauthorized", detail: error.reason)
            problem.headers[.wwwAuthenticate] = error.challenge
            throw problem
        }
        let admitted = limiter.admit(granted.rateKey)
        guard admitted.admitted else {
            var problem = Problem(.tooManyRequests, type: "urn:hubd:rate-limited", detail: "Too many requests for this token")
            problem.headers[.retryAfter] = String(admitted.retryAfter)
            throw problem
        }
        var context = context
        context.caller = Caller(herIds: registry.current.withDepartments(of: granted.herIds))
        return try await next(request, context)
    }

    private func isOpen(_ path: String) -> Bool {
        switch path {
        case "/healthz", "/readyz", "/ping", "/openapi.json": true
        // The PROMs service proves itself with its own key (proms.md §3).
        case "/api/PromsFormOrder": true
        case "/metrics": settings.metricsOpen
        default: path.hasPrefix("/schemas/")
        }
    }
}
