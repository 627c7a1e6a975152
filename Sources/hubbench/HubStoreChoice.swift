import Foundation
import PostgresStore

/// Where the hub of a run keeps its state: a SQLite file of its own, or a schema of its own in a
/// PostgreSQL database that `instances` hubd instances share as a fleet.
enum HubStoreChoice: Sendable {
    case sqlite
    case postgres(url: String, instances: Int)

    var instances: Int {
        switch self {
        case .sqlite: 1
        case .postgres(_, let instances): instances
        }
    }

    /// The run's PostgreSQL schema (named after its prefix), as hubd's `HUBD_DATABASE` and as the
    /// location to drop afterwards; nil for SQLite, which lives in the run's folder.
    func location(for run: BenchEnvironment.Run) throws -> (url: String, location: PostgresLocation)? {
        guard case .postgres(let url, _) = self else { return nil }
        guard var components = URLComponents(string: url) else { throw BenchError("--postgres is not a URL") }
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" } + [URLQueryItem(name: "schema", value: run.prefix)]
        guard let withSchema = components.string else { throw BenchError("--postgres is not a URL") }
        do {
            return (withSchema, try PostgresLocation(url: withSchema))
        } catch {
            throw BenchError("--postgres: \(error)")
        }
    }
}
