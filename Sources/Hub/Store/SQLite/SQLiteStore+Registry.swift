import AddressRegistry
import Foundation
import GRDB

extension SQLiteStore {
    package func replaceRegistry(_ entries: [RegistryEntry], source: String, now: Date) async throws(StoreError) {
        try await write("import registry") { db in
            try Self.replaceParties(db, entries, origin: .file(source), now: now)
            try db.execute(sql: "DELETE FROM registry_sync")
            try Self.bumpRegistryVersion(db, source: source, now: now)
        }
    }

    package func registryVersion() async throws(StoreError) -> Int64 {
        try await read("read registry version") { db in
            try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0
        }
    }

    package func loadRegistry(at now: Date) async throws(StoreError) -> (version: Int64, registry: AddressRegistry) {
        try await read("load registry") { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0
            var parties: [CommunicationParty] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT her_id, document FROM party ORDER BY her_id")
            while let row = try rows.next() {
                do {
                    parties.append(try RegistryFile.parseStored(row["document"]).asOf(now))
                } catch {
                    throw CorruptRecord("stored party \(row["her_id"] as Int64): \(error)")
                }
            }
            return (version, AddressRegistry(parties: parties))
        }
    }

    package func partyProvenance(herId: Int) async throws(StoreError) -> PartyProvenance? {
        try await read("read party provenance") { db in
            try Row.fetchOne(db, sql: """
                SELECT origin, origin_source, origin_sequence, updated_at FROM party WHERE her_id = ?
                """, arguments: [herId]).flatMap { row in
                    PartyProvenance(
                        storedOrigin: row["origin"], source: row["origin_source"], sequence: row["origin_sequence"],
                        updatedAt: row["updated_at"])
                }
        }
    }

    // MARK: Shared with the AR sync

    /// Deletes every party and inserts `entries` with one origin.
    static func replaceParties(_ db: Database, _ entries: [RegistryEntry], origin: PartyProvenance.Origin, now: Date) throws {
        try db.execute(sql: "DELETE FROM party")
        try upsertParties(db, entries, origin: origin, now: now)
    }

    /// Inserts or replaces `entries` with one origin.
    static func upsertParties(_ db: Database, _ entries: [RegistryEntry], origin: PartyProvenance.Origin, now: Date) throws {
        let insert = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO party (her_id, document, origin, origin_source, origin_sequence, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        for entry in entries {
            try insert.execute(arguments: [
                entry.party.herId, entry.document, origin.storedName, origin.source, origin.sequence, now.timeIntervalSince1970,
            ])
        }
    }

    /// Bumps the registry's version, so that every hub reading this store reloads it.
    static func bumpRegistryVersion(_ db: Database, source: String, now: Date) throws {
        try db.execute(sql: """
            INSERT INTO registry_state (id, version, imported_at, source) VALUES (1, 1, ?, ?)
            ON CONFLICT (id) DO UPDATE SET version = version + 1, imported_at = excluded.imported_at,
                                           source = excluded.source
            """, arguments: [now.timeIntervalSince1970, source])
    }
}
