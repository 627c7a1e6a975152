import HTTPTypes
import Hummingbird
import Logging

/// What one request carries through the middleware to its route: its id and, once
/// authenticated, the parties it may act for.
package struct HubRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The request's id: its own `X-Request-Id` or `nhn-event-id` when given, else a new one.
    package var requestId: String = ""
    /// Set by the authentication middleware on every route that needs a token.
    package var caller: Caller?

    package init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read by the routes themselves, against the configured limit.
    package var maxUploadSize: Int { .max }
}

/// An authenticated caller: the HER-ids its token holds, with their departments.
package struct Caller: Sendable {
    package var herIds: Set<Int>

    package init(herIds: Set<Int>) {
        self.herIds = herIds
    }

    /// Throws 403 unless the caller acts for every one of these HER-ids.
    package func require(_ wanted: [Int]) throws(Problem) {
        let missing = wanted.filter { !herIds.contains($0) }
        if !missing.isEmpty { throw Problem.forbidden(herIds: missing) }
    }
}
