import Foundation
import GRDB

/// The hub's store (`HubStore`) in one SQLite file (WAL, `synchronous=FULL`), through GRDB.
///
/// A method that changes state is one `pool.write` transaction. The SQL lives in one extension
/// per concern beside this file (`SQLiteStore+Ingress.swift`, `+Dispatch`, `+Receipts`,
/// `+DeadLetters`, `+Retention`, `+Reports`, `+Registry`, `+Rows`, ...) and the schema in
/// `StoreSchema`; GRDB's errors come out as `StoreError`, transient or permanent, by `storeError`.
package final class SQLiteStore: HubStore {
    let pool: DatabasePool
    /// The database file (SQLite keeps its `-wal` and `-shm` files beside it).
    package let path: String
    package let deadLetterQueue: String
    package let changes = ChangeFeed()

    /// Opens (creating when missing) the store at `path` and brings its schema up to date.
    package init(path: String, deadLetterQueue: String = "hubd.dead") throws(StoreError) {
        self.path = path
        self.deadLetterQueue = deadLetterQueue
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        // SQLite's default page cache is 2 MiB per connection: a store with a backlog (events
        // fanned out, messages waiting) then reads the same pages from the kernel again and again.
        // 16 KiB pages (for new stores; an existing file keeps its size): with 4 KiB, a 2 KiB
        // message row fills a page of its own, so every acceptance and every change of state
        // writes and checkpoints a whole page per message, two system calls a frame.
        // docs/performance.md has the measurement.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA cache_size = -8192") }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool turns on WAL with synchronous=NORMAL, which may lose the last commits
            // on power loss; an acknowledged submission must survive that, so FULL it is.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try StoreSchema.migrator.migrate(pool)
        } catch {
            throw Self.storeError("open \(path)", error)
        }
    }

    /// The database file with its `-wal` and `-shm` files; one that cannot be read counts 0.
    package func storageBytes() -> Int64? {
        ["", "-wal", "-shm"].reduce(0) { total, suffix in
            total + Int64((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
    }

    /// One process owns a SQLite file: it holds every lease.
    package func holdLease(_ job: FleetJob, for duration: TimeInterval, now: Date) async throws(StoreError) -> Bool {
        true
    }

    /// Nothing to give up: no other instance shares the file.
    package func releaseLeases() async throws(StoreError) {}

    /// No other instance shares the file: the REST API's own cache (`DPoPReplayCache`) refuses
    /// replays.
    package func recordProof(_ jti: String, until expiry: Date, now: Date) async throws(StoreError) -> Bool {
        true
    }

    // MARK: Plumbing

    func write<T: Sendable>(
        _ operation: String, sync: CommitSync = .full, _ body: @Sendable @escaping (Database) throws -> T
    ) async throws(StoreError) -> T {
        do {
            let result = try await pool.writeWithoutTransaction { db in
                // SQLite applies `PRAGMA synchronous` while preparing it, so it is executed afresh
                // (not from the statement cache), and before every transaction: a full commit never
                // depends on a deferred one having put the setting back.
                try db.execute(sql: sync.pragma)
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
                // `inTransaction` runs its block once or throws; this only spares a `!`.
                guard let result else {
                    throw StoreError(operation, kind: .permanent, underlying: OtherFailure(description: "the transaction returned nothing"))
                }
                return result
            }
            changes.bump()
            return result
        } catch {
            throw Self.storeError(operation, error)
        }
    }

    func read<T: Sendable>(_ operation: String, _ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.storeError(operation, error)
        }
    }

    /// Classifies what GRDB or the code inside a transaction threw.
    static func storeError(_ operation: String, _ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as DatabaseError:
            let failure = SQLiteFailure(error)
            return StoreError(operation, kind: failure.isPermanent ? .permanent : .transient, underlying: failure)
        case let error as CorruptRecord:
            return StoreError(operation, kind: .permanent, underlying: error)
        default:
            // Not from SQLite (a file system error while opening, say): about the store, not a row.
            return StoreError(operation, kind: .transient, underlying: OtherFailure(description: "\(error)"))
        }
    }

    /// Any other error, kept as its description (most Foundation errors are not Sendable).
    struct OtherFailure: Error, Sendable, CustomStringConvertible {
        var description: String
    }
}
