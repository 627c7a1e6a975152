import GRDB

/// An error SQLite reported, with its extended result code as GRDB gives it.
package struct SQLiteFailure: Error, Sendable, CustomStringConvertible {
    /// The extended result code, e.g. `SQLITE_CONSTRAINT_TRIGGER`, `SQLITE_FULL`, `SQLITE_IOERR_WRITE`.
    package var code: ResultCode
    package var message: String?

    package init(code: ResultCode, message: String?) {
        self.code = code
        self.message = message
    }

    package init(_ error: DatabaseError) {
        self.init(code: error.extendedResultCode, message: error.message)
    }

    /// Whether the same statement on the same input fails again: a constraint, a type or size
    /// error, or a generic SQL error. Everything else (full disk, I/O, locks, a damaged or
    /// unopenable file, memory) is about the store and may go away.
    package var isPermanent: Bool {
        switch code.primaryResultCode {
        case .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG, .SQLITE_RANGE, .SQLITE_ERROR: true
        default: false
        }
    }

    package var description: String { "\(code): \(message ?? "no message")" }
}
