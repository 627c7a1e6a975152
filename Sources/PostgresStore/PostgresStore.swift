import Foundation
import Hub
import Logging
import NIOSSL
import PostgresNIO

/// The hub's durable state in a PostgreSQL database that a fleet of hubd instances shares
/// (contract fleet.md): the same store as `SQLiteStore`, with what several writers need on top.
///
/// - Every method that changes state runs in one transaction, as in SQLite; a commit is
///   durable when PostgreSQL's `synchronous_commit` says so (on, by default).
/// - Due messages are claimed (`FOR UPDATE SKIP LOCKED`, then a lease of `claimLease` seconds
///   with this instance's name) so that two instances never send the same message at once,
///   and a dead instance's claims lapse.
/// - Notification offsets and event sequences are handed out under a transaction-scoped
///   advisory lock, so that they become visible in the order they were handed out: a reader
///   "after offset N" never misses a row committed later with a lower number.
/// - Each write ends with `NOTIFY hubd_changes`; every instance listens, so that `changes`
///   moves for writes of any instance (live notification streams, SSE).
///
/// The SQL lives in one extension per concern, as for SQLite (`PostgresStore+Ingress.swift`,
/// `+Dispatch`, ...); the schema is `PostgresSchema`.
package final class PostgresStore: HubStore {
    let client: PostgresClient
    let logger: Logger
    /// The queue dead letters are copied to.
    package let deadLetterQueue: String
    /// Bumped after every write of any instance, for readers that follow the store live.
    package let changes = ChangeFeed()
    /// This instance's name, written on the claims and leases it holds.
    package let instance: String
    /// How long a dispatch claim keeps other instances off a message.
    package let claimLease: TimeInterval
    private let background: Task<Void, Never>

    /// The channel every instance listens on.
    static let changeChannel = "hubd_changes"

    /// Connects to the database at `location`, brings its schema up to date (one instance at a
    /// time) and starts following other instances' writes.
    package static func open(
        _ location: PostgresLocation, instance: String, claimLease: TimeInterval = 30,
        deadLetterQueue: String = "hubd.dead", maximumConnections: Int = 10, openTimeout: Duration = .seconds(20),
        logger: Logger
    ) async throws(StoreError) -> PostgresStore {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database,
            tls: location.requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        if let schema = location.schema {
            // A run-time parameter in the start-up packet: every connection resolves hubd's
            // tables in the schema, without naming it in any statement.
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        // The pool's own chatter (a lease asked for before run() started, every failed connect
        // while the server is away) stays out of the log; the store's errors say what matters.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        let store = PostgresStore(
            client: client, instance: instance, claimLease: claimLease,
            deadLetterQueue: deadLetterQueue, logger: logger)
        do {
            // The pool retries a server that does not answer for ever: a start gives up after a
            // bound, with a message that names the database.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await PostgresSchema.migrate(client, schema: location.schema, logger: logger) }
                group.addTask {
                    try await Task.sleep(for: openTimeout)
                    throw PostgresFailure(sqlState: nil, message: "no answer within \(openTimeout)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            store.close()
            throw storeError("open \(location)", error)
        }
        return store
    }

    /// Drops the schema `location` names, with every table in it: for a benchmark run that made
    /// one of its own. A location without a schema (hubd's tables in `public`) is left alone.
    package static func dropSchema(_ location: PostgresLocation, logger: Logger) async throws(StoreError) {
        guard let schema = location.schema else { return }
        // Two connections: the change feed holds one for as long as the store is open.
        let store = try await open(location, instance: "drop-schema", maximumConnections: 2, logger: logger)
        defer { store.close() }
        // PostgresLocation allows only a plain name, so it can stand in the statement.
        try await store.write("drop schema \(schema)", announce: false) { connection in
            try await connection.query("DROP SCHEMA \(unescaped: schema) CASCADE", logger: logger)
        }
    }

    private init(
        client: PostgresClient, instance: String, claimLease: TimeInterval,
        deadLetterQueue: String, logger: Logger
    ) {
        self.client = client
        self.instance = instance
        self.claimLease = claimLease
        self.deadLetterQueue = deadLetterQueue
        self.logger = logger
        let changes = changes
        background = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                group.addTask { await Self.follow(client, changes: changes, logger: logger) }
            }
        }
    }

    deinit {
        background.cancel()
    }

    /// Closes the connections; the store is unusable afterwards.
    package func close() {
        background.cancel()
    }

    /// Listens for other instances' writes on a connection of its own, for as long as the store
    /// is open; after a lost connection it listens again (and bumps, since writes may have been
    /// missed in between).
    private static func follow(_ client: PostgresClient, changes: ChangeFeed, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: changeChannel) { notifications in
                        changes.bump()
                        for try await _ in notifications { changes.bump() }
                    }
                }
            } catch {
                // Closing the store closes the client under the listener.
                if Task.isCancelled || (error as? PSQLError).map({ [.clientClosedConnection, .poolClosed].contains($0.code) }) == true {
                    return
                }
                logger.warning("lost the PostgreSQL change feed; listening again", metadata: ["error": "\(PostgresStore.describe(error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    // MARK: Plumbing

    /// Runs `body` in one transaction and, unless `announce` is false (a claim changes nothing
    /// a reader follows), tells every instance that the store changed.
    @discardableResult
    func write<T: Sendable>(
        _ operation: String, announce: Bool = true, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(StoreError) -> T {
        let logger = logger
        do {
            let result = try await leased { connection in
                try await Self.transaction(on: connection, logger: logger) { connection in
                    let result = try await body(connection)
                    if announce { try await connection.query("NOTIFY \(unescaped: Self.changeChannel)", logger: logger) }
                    return result
                }
            }
            if announce { changes.bump() }
            return result
        } catch {
            throw Self.storeError(operation, error)
        }
    }

    /// Runs `body` on a connection outside a transaction (every statement sees its own snapshot).
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        do {
            return try await leased(body)
        } catch {
            throw Self.storeError(operation, error)
        }
    }

    /// `BEGIN`, `body`, `COMMIT`; on a failure, `ROLLBACK` unless the session is gone: a
    /// connection the server ended (it shut down, or the network broke) has no transaction left
    /// to roll back. The error thrown is the one that ended the transaction, not a wrapper.
    static func transaction<T: Sendable>(
        on connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        do {
            let result = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            if !sessionEnded(by: error) {
                _ = try? await connection.query("ROLLBACK", logger: logger)
            }
            throw error
        }
    }

    /// Whether `error` means the connection's session is over: the server ended it (SQLSTATE
    /// class 57, operator intervention, or 08, connection exception) or the connection closed.
    static func sessionEnded(by error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        if error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57") || state.hasPrefix("08")
        }
        return [.serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .connectionError].contains(error.code)
    }

    /// How long a store call waits for a connection. The pool itself waits for ever while the
    /// server is away, and a request made just as the server ended its connections was seen to
    /// be lost altogether: without a bound, ingress would hold its submissions for good without
    /// a word in the log, and `/readyz` would hang instead of saying the store is not ready.
    static let connectionWait: Duration = .seconds(10)

    /// The longest a store call may take once it has its connection. postgres-nio 1.33 drops a
    /// statement sent on a connection whose channel has just closed (the write fails with no
    /// one to tell), and the call would wait for its answer for ever: that is how ingress stayed
    /// stuck after a PostgreSQL restart. Past this bound, or a second after the connection
    /// closed, the call fails as transient (and the connection is closed); no store call comes
    /// near the bound otherwise.
    static let callLimit: Duration = .seconds(60)

    /// Runs `body` on a connection of the pool, or fails (a transient store error) when the pool
    /// has none to give within `connectionWait` (the server is down, or every connection is
    /// busy for that long), or `body` does not end within `callLimit`.
    ///
    /// A task of its own holds the lease, and `body` runs in a task of its own, so that a
    /// request the pool never answers, or a statement the connection never answers, can be
    /// left behind while the caller goes on with an error.
    private func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let handOff = ConnectionHandOff()
        let client = client
        Task {
            do {
                try await client.withConnection { connection in
                    // A caller that gave up meanwhile: straight back to the pool.
                    guard handOff.offer(connection) else { return }
                    await handOff.returned()
                }
            } catch {
                handOff.fail(error)
            }
        }
        let connection = try await handOff.take(within: Self.connectionWait)
        defer { handOff.giveBack() }
        do {
            return try await FirstOutcome.of(
                body: { try await body(connection) }, within: Self.callLimit, abandonedWhen: { connection.isClosed })
        } catch let timedOut as FirstOutcome<T>.TimedOut {
            // Whatever the connection was doing is abandoned with it: the server rolls back.
            try? await connection.close()
            throw PostgresFailure(sqlState: nil, message: timedOut.gone
                ? "the connection to PostgreSQL closed during the call"
                : "PostgreSQL did not answer within \(Self.callLimit); the connection was closed")
        }
    }

    /// Takes a transaction-scoped advisory lock, held until the transaction ends: what keeps
    /// numbers handed out from a sequence (notification positions, event sequences) committing
    /// in the order they were handed out.
    func lock(_ lock: FleetLock, db: PostgresConnection) async throws {
        try await db.query("SELECT pg_advisory_xact_lock(\(lock.rawValue))", logger: logger)
    }

    /// Runs `slice` (deletes of at most a few thousand rows) one transaction at a time until it
    /// deletes nothing, so no transaction holds locks for long. Returns the rows removed.
    func deleteInSlices(_ operation: String, _ slice: @Sendable @escaping (PostgresConnection) async throws -> Int) async throws(StoreError) -> Int {
        var removed = 0
        while true {
            let count = try await write(operation, slice)
            removed += count
            if count == 0 { return removed }
        }
    }

    /// Classifies what postgres-nio or the code inside a transaction threw.
    static func storeError(_ operation: String, _ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as PSQLError:
            let failure = PostgresFailure(error)
            return StoreError(operation, kind: failure.isPermanent ? .permanent : .transient, underlying: failure)
        case let error as CorruptRecord:
            return StoreError(operation, kind: .permanent, underlying: error)
        case let error as PostgresDecodingError:
            return StoreError(operation, kind: .permanent, underlying: CorruptRecord("column \(error.columnName) does not read back: \(error.code)"))
        default:
            return StoreError(operation, kind: .transient, underlying: PostgresFailure(sqlState: nil, message: describe(error)))
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? PSQLError).map { PostgresFailure($0).description } ?? "\(error)"
    }
}
