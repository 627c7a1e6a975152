import Dialogs
import PostgresNIO

/// An error PostgreSQL reported (with its SQLSTATE), or a failure to reach it.
package struct PostgresFailure: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE, e.g. `23505` (unique violation); nil when the server said
    /// nothing (the connection failed or closed).
    package var sqlState: String?
    /// The server's message or the client's description, with 11-digit numbers masked.
    package var message: String

    init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    init(_ error: PSQLError) {
        sqlState = error.serverInfo?[.sqlState]
        let said = error.serverInfo?[.message] ?? "\(error.code)"
        message = NationalIdMask.mask(said)
    }

    /// Whether the same statement on the same input fails again: a data exception (class 22),
    /// a constraint (23), a syntax or access rule (42), an unsupported feature (0A) or a program
    /// limit (54: a value too large for an index row, say). The rest (connections, serialization
    /// failures and deadlocks, resources, a server shutting down) is about the database and goes
    /// away.
    package var isPermanent: Bool {
        guard let sqlState else { return false }
        return ["22", "23", "42", "0A", "54"].contains(String(sqlState.prefix(2)))
    }

    package var description: String {
        sqlState.map { "\($0): \(message)" } ?? message
    }
}
