import AddressRegistry
import Foundation
import GRDB

extension HubStore {
    /// Replaces the registry copy atomically and bumps its version, so a running hub reloads it.
    package func replaceRegistry(_ entries: [RegistryEntry], source: String, now: Date) async throws(StoreError) {
        try await write("import registry") { db in
            try db.execute(sql: "DELETE FROM party")
            let insert = try db.makeStatement(sql: "INSERT INTO party (her_id, document) VALUES (?, ?)")
            for entry in entries {
                try insert.execute(arguments: [entry.party.herId, entry.document])
            }
            try db.execute(sql: """
                INSERT INTO registry_state (id, version, imported_at, source) VALUES (1, 1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET version = version + 1, imported_at = excluded.imported_at,
                                               source = excluded.source
                """, arguments: [now.timeIntervalSince1970, source])
        }
    }

    /// The registry version; changes whenever a registry is imported.
    package func registryVersion() async throws(StoreError) -> Int64 {
        try await read("read registry version") { db in
            try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0
        }
    }

    /// The registry copy and its version. A stored party that no longer reads (a damaged file,
    /// or a document an older hubd stored) fails the load, naming the party, rather than
    /// silently routing without it.
    package func loadRegistry() async throws(StoreError) -> (version: Int64, registry: AddressRegistry) {
        try await read("load registry") { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0
            var parties: [CommunicationParty] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT her_id, document FROM party ORDER BY her_id")
            while let row = try rows.next() {
                do {
                    parties.append(try RegistryFile.parseStored(row["document"]))
                } catch {
                    throw CorruptRecord("stored party \(row["her_id"] as Int64): \(error)")
                }
            }
            return (version, AddressRegistry(parties: parties))
        }
    }

    /// One party's stored JSON, as imported.
    package func partyDocument(herId: Int) async throws(StoreError) -> Data? {
        try await read("read party") { db in
            try Data.fetchOne(db, sql: "SELECT document FROM party WHERE her_id = ?", arguments: [herId])
        }
    }
}
