import Foundation
import GRDB
import GRDBSQLite

/// One of the statements the store runs for every message (the acceptance's insert, the
/// conversation it opens, the duplicate look-up; recording `sent`), run through SQLite's C API
/// on the statement GRDB prepared and caches.
///
/// GRDB's own execution suits everything else the store does, but per statement it builds and
/// validates `StatementArguments`, converts every value to a `DatabaseValue`, sets up
/// observation and, for a query, a cursor: about 6 % of hubd's CPU in the steady state, more
/// than SQLite's own work for the insert. These statements need none of it: plain inserts,
/// updates and queries inside the store's write transaction, positional arguments, no
/// transaction observers (the store registers none). Values are bound `SQLITE_TRANSIENT`
/// (SQLite copies them), so nothing bound must outlive a Swift call.
///
/// ```swift
/// var insert = BoundStatement(try db.cachedStatement(sql: "INSERT INTO t (a, b) VALUES (?, ?)"))
/// insert.bind(42)
/// insert.bind("text")
/// try insert.execute()
/// ```
struct BoundStatement: ~Copyable {
    private let statement: Statement
    private let handle: SQLiteStatement
    private var bound: Int32 = 0
    /// The first bind SQLite refused (too big, out of memory): the value would be NULL.
    private var refused: (code: Int32, parameter: Int32)?

    /// Takes `statement` for one execution, from its start and with no values bound.
    init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
        // Its last step's error, if any, was thrown then.
        sqlite3_reset(handle)
    }

    mutating func bind(_ value: Int?) {
        bound += 1
        check(value.map { sqlite3_bind_int64(handle, bound, Int64($0)) } ?? sqlite3_bind_null(handle, bound))
    }

    mutating func bind(_ value: Int64) {
        bound += 1
        check(sqlite3_bind_int64(handle, bound, value))
    }

    mutating func bind(_ value: Double?) {
        bound += 1
        check(value.map { sqlite3_bind_double(handle, bound, $0) } ?? sqlite3_bind_null(handle, bound))
    }

    mutating func bind(_ value: String?) {
        bound += 1
        guard var value else { return check(sqlite3_bind_null(handle, bound)) }
        let code = value.withUTF8 { utf8 in
            // An empty string has no buffer; a null pointer would bind NULL.
            guard let start = utf8.baseAddress else { return sqlite3_bind_text(handle, bound, "", 0, Self.transient) }
            return start.withMemoryRebound(to: CChar.self, capacity: utf8.count) { text in
                sqlite3_bind_text64(handle, bound, text, UInt64(utf8.count), Self.transient, UInt8(SQLITE_UTF8))
            }
        }
        check(code)
    }

    mutating func bind(blob: some ContiguousBytes) {
        bound += 1
        let code = blob.withUnsafeBytes { bytes in
            // An empty array has no buffer; a null pointer would bind NULL.
            guard let start = bytes.baseAddress else { return sqlite3_bind_zeroblob(handle, bound, 0) }
            return sqlite3_bind_blob64(handle, bound, start, UInt64(bytes.count), Self.transient)
        }
        check(code)
    }

    /// Keeps the first refusal, which `execute()` and `isTrue()` then throw: a parameter SQLite
    /// would not take is left NULL, and must not be written so.
    private mutating func check(_ code: Int32) {
        if code != SQLITE_OK, refused == nil { refused = (code, bound) }
    }

    /// Runs the statement to its end.
    consuming func execute() throws {
        try checkBindings()
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        try finish(code)
    }

    /// Runs a query for one integer (its first row's first column) and says whether it is
    /// non-zero: false when there is no row.
    consuming func isTrue() throws -> Bool {
        try checkBindings()
        let code = sqlite3_step(handle)
        let value = code == SQLITE_ROW && sqlite3_column_int64(handle, 0) != 0
        try finish(code == SQLITE_ROW ? SQLITE_DONE : code)
        return value
    }

    /// The statements are the store's own, so a wrong count is a defect; it must still never
    /// run with a parameter left unbound, or one SQLite refused, which it would take as NULL.
    private func checkBindings() throws {
        let expected = sqlite3_bind_parameter_count(handle)
        if let refused {
            sqlite3_clear_bindings(handle)
            let reason = sqlite3_errstr(refused.code).map { String(cString: $0) } ?? "error \(refused.code)"
            throw DatabaseError(
                resultCode: ResultCode(rawValue: refused.code), message: "value \(refused.parameter) not bound: \(reason)", sql: statement.sql)
        }
        guard bound == expected else {
            sqlite3_clear_bindings(handle)
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "\(bound) values bound, \(expected) expected", sql: statement.sql)
        }
    }

    /// Leaves the statement reset with no values bound, and throws what SQLite said of a step
    /// that failed, as GRDB does (the store tells transient from permanent errors by it).
    private func finish(_ code: Int32) throws {
        let message = code == SQLITE_DONE ? nil : sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE else {
            // GRDB trims the text on every read of `sql`: only for an error.
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// `SQLITE_TRANSIENT`, which the C header defines as a cast Swift cannot import.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
