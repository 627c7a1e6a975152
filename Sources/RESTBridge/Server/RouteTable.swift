import HTTPTypes
import HTTPTypes
import Hummingbird
import Synchronization

/// The API's paths and their methods, so that a known path called with a method it does not
/// have answers 405 with `Allow`, not 404.
package struct RouteTable: Sendable {
    private var routes: [(method: HTTPRequest.Method, segments: [Substring])] = []

    package init() {}

    mutating func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.append((method, path.split(separator: "/")))
    }

    /// Whether a route answers `method` on `path`: HEAD is answered wherever GET is (Hummingbird
    /// makes the HEAD endpoint from the GET one).
    func serves(_ method: HTTPRequest.Method, path: String) -> Bool {
        let methods = methods(for: path)
        return methods.contains(method) || (method == .head && methods.contains(.get))
    }

    /// The methods a path has; empty when the API has no such path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }.map(\.method)
    }
}

/// The route table, set once the routes are added (after the middleware that reads it).
final class RouteTableBox: Sendable {
    private let table = Mutex(RouteTable())

    func set(_ routes: RouteTable) { table.withLock { $0 = routes } }

    func methods(for path: String) -> [HTTPRequest.Method] { table.withLock { $0.methods(for: path) } }

    func serves(_ method: HTTPRequest.Method, path: String) -> Bool { table.withLock { $0.serves(method, path: path) } }
}
