import AddressRegistry
import Foundation
import Hub
import PostgresNIO

/// The registry copy every instance routes with: its parties, where each came from, and its
/// version, which moves with every change so that each instance's cache reloads.
extension PostgresStore {
    /// Replaces the registry copy atomically with a file's parties and bumps its version, so a
    /// running hub reloads it. The copy is no longer AR's: the AR sync position is forgotten, so
    /// a configured AR sync starts again with a full export.
    package func replaceRegistry(_ entries: [RegistryEntry], source: String, now: Date) async throws(StoreError) {
        try await write("import registry") { db in
            try await self.lockRegistry(db: db)
            try await self.replaceParties(entries, origin: .file(source), now: now, db: db)
            try await db.run("DELETE FROM registry_sync", self.logger)
            try await self.bumpRegistryVersion(source: source, now: now, db: db)
        }
    }

    /// The registry version; changes whenever a registry is imported.
    package func registryVersion() async throws(StoreError) -> Int64 {
        try await read("read registry version") { db in
            try await db.value("SELECT version FROM registry_state WHERE id = 1", self.logger, as: Int64.self) ?? 0
        }
    }

    /// The registry copy and its version, each party as it stands at `now` (`asOf`: not active
    /// outside its validity). A stored party that no longer reads (a damaged file, or a document
    /// an older hubd stored) fails the load, naming the party, rather than silently routing
    /// without it.
    package func loadRegistry(at now: Date) async throws(StoreError) -> (version: Int64, registry: AddressRegistry) {
        // One snapshot for the version and the parties, as SQLite's read gave: a copy is never
        // labelled with a version it does not belong to. Nothing is written, so nothing announced.
        try await write("load registry", announce: false) { db in
            try await db.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", self.logger)
            let version = try await db.value("SELECT version FROM registry_state WHERE id = 1", self.logger, as: Int64.self) ?? 0
            var parties: [CommunicationParty] = []
            for row in try await db.records("SELECT her_id, document FROM party ORDER BY her_id", self.logger) {
                let herId: Int64 = try row["her_id"]
                do {
                    parties.append(try RegistryFile.parseStored(try row["document"]).asOf(now))
                } catch {
                    throw CorruptRecord("stored party \(herId): \(error)")
                }
            }
            return (version, AddressRegistry(parties: parties))
        }
    }

    /// Where a stored party came from and when; nil when no party has `herId`, or its origin
    /// is damaged.
    package func partyProvenance(herId: Int) async throws(StoreError) -> PartyProvenance? {
        try await read("read party provenance") { db in
            guard let row = try await db.record("""
                SELECT origin, origin_source, origin_sequence, updated_at FROM party WHERE her_id = \(herId)
                """, self.logger) else { return nil }
            return PartyProvenance(
                storedOrigin: try row["origin"], source: try row["origin_source"], sequence: try row["origin_sequence"],
                updatedAt: try row["updated_at"])
        }
    }

    // MARK: Shared with the AR sync

    /// Makes the registry's writers (a file import, AR's export, AR's events) take turns, as
    /// SQLite's single writer did: each reads what it replaces (every party, the AR position),
    /// and two interleaved would leave a mix of both copies. `EXCLUSIVE` lets readers through.
    /// Taken first in the transaction, so that every statement after it sees the last writer's commit.
    func lockRegistry(db: PostgresConnection) async throws {
        try await db.run("LOCK TABLE party IN EXCLUSIVE MODE", logger)
    }

    /// Deletes every party and inserts `entries` with one origin.
    func replaceParties(_ entries: [RegistryEntry], origin: PartyProvenance.Origin, now: Date, db: PostgresConnection) async throws {
        try await db.run("DELETE FROM party", logger)
        try await upsertParties(entries, origin: origin, now: now, db: db)
    }

    /// Inserts or replaces `entries` with one origin; of a party listed twice, the last entry stays.
    func upsertParties(_ entries: [RegistryEntry], origin: PartyProvenance.Origin, now: Date, db: PostgresConnection) async throws {
        // One statement may not touch a row twice (SQLite's statement per entry could): the
        // earlier entries of a repeated party are dropped first.
        var last: [Int: Int] = [:]
        for (index, entry) in entries.enumerated() { last[entry.party.herId] = index }
        let kept = entries.indices.filter { last[entries[$0].party.herId] == $0 }.map { entries[$0] }
        // A statement per batch of entries rather than per entry: a registry has thousands.
        let batch = 1000
        for start in stride(from: 0, to: kept.count, by: batch) {
            let slice = kept[start..<min(start + batch, kept.count)]
            let herIds = slice.map(\.party.herId)
            let documents = slice.map { ByteBuffer(bytes: $0.document) }
            try await db.run("""
                INSERT INTO party (her_id, document, origin, origin_source, origin_sequence, updated_at)
                SELECT her_id, document, \(origin.storedName)::TEXT, \(origin.source)::TEXT, \(origin.sequence)::BIGINT,
                       \(now.timeIntervalSince1970)::DOUBLE PRECISION
                FROM UNNEST(\(herIds)::BIGINT[], \(documents)::BYTEA[]) AS entry(her_id, document)
                ON CONFLICT (her_id) DO UPDATE SET
                    document = excluded.document, origin = excluded.origin, origin_source = excluded.origin_source,
                    origin_sequence = excluded.origin_sequence, updated_at = excluded.updated_at
                """, logger)
        }
    }

    /// Bumps the registry's version, so that every hub reading this store reloads it.
    func bumpRegistryVersion(source: String, now: Date, db: PostgresConnection) async throws {
        try await db.run("""
            INSERT INTO registry_state (id, version, imported_at, source) VALUES (1, 1, \(now.timeIntervalSince1970), \(source))
            ON CONFLICT (id) DO UPDATE SET version = registry_state.version + 1, imported_at = excluded.imported_at,
                                           source = excluded.source
            """, logger)
    }
}
