import Foundation
import Hub
import Logging
import PostgresStore
import Testing

/// The store backends the shared store tests run against, each test on a store of its own:
/// a new SQLite file, or a new schema in the PostgreSQL server of `scripts/cluster`
/// (`HUBD_TEST_DATABASE_URL`, which `scripts/test` sets; without it the PostgreSQL cases fail,
/// they do not skip).
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    func makeStore(deadLetterQueue: String = "test.dead") async throws -> any HubStore {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("hubd-store-\(UUID().uuidString).sqlite").path
            return try SQLiteStore(path: path, deadLetterQueue: deadLetterQueue)
        case .postgres:
            return try await Self.postgresStore(schema: Self.freshSchema(), deadLetterQueue: deadLetterQueue)
        }
    }

    /// A schema name no other test uses.
    static func freshSchema() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// A PostgreSQL store on `schema`, as instance `instance` of a fleet sharing it.
    static func postgresStore(
        schema: String, instance: String = "test", claimLease: TimeInterval = 30, deadLetterQueue: String = "test.dead"
    ) async throws -> PostgresStore {
        guard let url = ProcessInfo.processInfo.environment["HUBD_TEST_DATABASE_URL"] else {
            throw MissingDatabase()
        }
        var location = try PostgresLocation(url: url)
        location.schema = schema
        var logger = Logger(label: "test.store")
        logger.logLevel = .warning
        return try await PostgresStore.open(
            location, instance: instance, claimLease: claimLease, deadLetterQueue: deadLetterQueue, logger: logger)
    }

    struct MissingDatabase: Error, CustomStringConvertible {
        var description: String {
            "HUBD_TEST_DATABASE_URL is not set: run scripts/test, or scripts/cluster start and export it from scripts/cluster pg-url"
        }
    }
}
