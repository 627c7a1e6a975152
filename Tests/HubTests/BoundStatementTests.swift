import Foundation
import GRDB
import GRDBSQLite
@testable import Hub
import Testing

/// The store's statements run through SQLite's C API bind what GRDB would, tell NULL from
/// empty, leave the statement reusable, and fail as GRDB fails: with a `DatabaseError` that
/// carries SQLite's code.
@Suite(.timeLimit(.minutes(1)))
struct BoundStatementTests {
    let queue: DatabaseQueue

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-bound-\(UUID().uuidString).sqlite").path
        queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, r REAL, s TEXT, b BLOB, u TEXT UNIQUE)")
        }
    }

    static let insert = "INSERT INTO t (n, r, s, b, u) VALUES (?, ?, ?, ?, ?)"

    /// Inserts a row with the text `s` and the unique `u` through a `BoundStatement`.
    static func insert(s: String, u: String, db: Database) throws {
        var insert = try BoundStatement(db.cachedStatement(sql: Self.insert))
        insert.bind(1)
        insert.bind(2.0)
        insert.bind(s)
        insert.bind(blob: [UInt8]())
        insert.bind(u)
        try insert.execute()
    }

    @Test func bindsValuesAsGRDBDoesAndTellsNullFromEmpty() throws {
        try queue.write { db in
            for (n, r, s, b, u) in [(Int?(7), Double?(1.5), String?("æøå"), [UInt8]([0, 1, 2]), "a"), (nil, nil, nil, [], "b"), (0, 0, "", [], "c")] {
                var insert = try BoundStatement(db.cachedStatement(sql: Self.insert))
                insert.bind(n)
                insert.bind(r)
                insert.bind(s)
                insert.bind(blob: b)
                insert.bind(u)
                try insert.execute()
            }
            let rows = try Row.fetchAll(db, sql: "SELECT n, r, s, b, typeof(s) AS ts, typeof(b) AS tb FROM t ORDER BY id")
            #expect(rows.map { $0["n"] as Int? } == [7, nil, 0])
            #expect(rows.map { $0["r"] as Double? } == [1.5, nil, 0])
            #expect(rows.map { $0["s"] as String? } == ["æøå", nil, ""])
            #expect(rows.map { $0["ts"] as String } == ["text", "null", "text"])
            #expect(rows.map { $0["tb"] as String } == ["blob", "blob", "blob"])
            #expect(rows.map { $0["b"] as Data? } == [Data([0, 1, 2]), Data(), Data()])
            #expect(db.lastInsertedRowID == 3)
        }
    }

    @Test func failsAsGRDBDoesAndStaysUsable() throws {
        try queue.write { db in
            func insert(_ unique: String) throws { try Self.insert(s: "s", u: unique, db: db) }
            try insert("x")
            let error = #expect(throws: DatabaseError.self) { try insert("x") }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            #expect(error?.message?.contains("UNIQUE") == true)
            // The same cached statement runs again, with nothing left bound from the failure.
            try insert("y")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)

            func insertTooFew() throws {
                var short = try BoundStatement(db.cachedStatement(sql: Self.insert))
                short.bind(1)
                try short.execute()
            }
            let misuse = #expect(throws: DatabaseError.self) { try insertTooFew() }
            #expect(misuse?.resultCode == .SQLITE_MISUSE)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)
        }
    }

    /// A value SQLite refuses to bind (here too long) would be NULL: the statement throws
    /// SQLite's code instead of writing it, and stays usable.
    @Test func aValueSQLiteRefusesIsAnErrorNotANull() throws {
        try queue.write { db in
            func insert(_ text: String) throws { try Self.insert(s: text, u: text, db: db) }
            let previous = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 16)
            let error = #expect(throws: DatabaseError.self) { try insert(String(repeating: "x", count: 17)) }
            #expect(error?.resultCode == .SQLITE_TOOBIG)
            #expect(error?.message?.contains("value 3 not bound") == true)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 0)
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, previous)
            try insert(String(repeating: "x", count: 17))
            #expect(try String.fetchOne(db, sql: "SELECT s FROM t") == String(repeating: "x", count: 17))
        }
    }

    @Test func answersWhetherAQueryIsTrue() throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (n, u) VALUES (5, 'a')")
            let sql = "SELECT EXISTS (SELECT 1 FROM t WHERE n = ?1) OR ?1 = -1"
            for (n, expected) in [(5, true), (6, false), (-1, true)] {
                var query = try BoundStatement(db.cachedStatement(sql: sql))
                query.bind(n)
                #expect(try query.isTrue() == expected)
            }
            var none = try BoundStatement(db.cachedStatement(sql: "SELECT 1 FROM t WHERE n = ?"))
            none.bind(99)
            #expect(try none.isTrue() == false)
        }
    }
}
