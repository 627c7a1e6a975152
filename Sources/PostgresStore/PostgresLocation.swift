import Foundation

/// Where the PostgreSQL database is, read from a `postgres://user:password@host:port/db` (or
/// `postgresql://`) URL as `HUBD_DATABASE` gives it.
package struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    /// `sslmode=require` (or `verify-full`) in the URL's query: connect with TLS or not at all.
    package var requireTLS: Bool
    /// `schema=NAME` in the URL's query: hubd's tables live in that schema (created when
    /// missing) instead of `public`, so that several fleets, or tests, can share one database.
    package var schema: String?

    /// Whether `HUBD_DATABASE` names PostgreSQL rather than a SQLite file.
    package static func isURL(_ value: String) -> Bool {
        value.hasPrefix("postgres://") || value.hasPrefix("postgresql://")
    }

    /// Reads a URL; nil with a reason an operator can act on when it is not one.
    package init(url: String) throws(PostgresLocationError) {
        guard Self.isURL(url), let components = URLComponents(string: url) else {
            throw PostgresLocationError(url: url, reason: "expected postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresLocationError(url: url, reason: "the URL names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresLocationError(url: url, reason: "the URL names no user")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw PostgresLocationError(url: url, reason: "the URL names no database")
        }
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        guard ["disable", "require", "verify-full"].contains(mode) else {
            throw PostgresLocationError(url: url, reason: "sslmode must be disable, require or verify-full")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password?.removingPercentEncoding ?? components.password
        self.database = database
        self.requireTLS = mode != "disable"
        if let schema = components.queryItems?.first(where: { $0.name == "schema" })?.value {
            guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                  !(schema.first?.isNumber ?? true) else {
                throw PostgresLocationError(url: url, reason: "schema must be a plain name (letters, digits, _)")
            }
            self.schema = schema.lowercased()
        }
    }

    /// The URL without its password, for logs and status output.
    package var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }
}

/// A `HUBD_DATABASE` value that looks like a PostgreSQL URL but cannot be used.
package struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    package var url: String
    package var reason: String

    package var description: String {
        // The password stays out of the message.
        let shown = (try? PostgresLocation(url: url)).map(\.description) ?? "the PostgreSQL URL"
        return "\(shown): \(reason)"
    }
}
