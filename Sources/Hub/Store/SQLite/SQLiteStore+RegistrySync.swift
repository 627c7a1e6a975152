import AddressRegistry
import Foundation
import GRDB

extension SQLiteStore {
    package func registrySyncPosition() async throws(StoreError) -> RegistrySyncPosition? {
        try await read("read AR sync position") { db in
            try Row.fetchOne(db, sql: "SELECT ar_url, last_sequence, exported_at, synced_at FROM registry_sync WHERE id = 1")
                .map { row in
                    RegistrySyncPosition(
                        url: row["ar_url"], sequence: row["last_sequence"],
                        exportedAt: Date(timeIntervalSince1970: row["exported_at"]),
                        syncedAt: Date(timeIntervalSince1970: row["synced_at"]))
                }
        }
    }

    package func replaceRegistry(fromAR entries: [RegistryEntry], url: String, sequence: Int64, now: Date) async throws(StoreError) {
        try await write("replace registry from AR") { db in
            try Self.replaceParties(db, entries, origin: .arExport(url: url, sequence: sequence), now: now)
            try db.execute(sql: """
                INSERT OR REPLACE INTO registry_sync (id, ar_url, last_sequence, exported_at, synced_at) VALUES (1, ?, ?, ?, ?)
                """, arguments: [url, sequence, now.timeIntervalSince1970, now.timeIntervalSince1970])
            try Self.bumpRegistryVersion(db, source: url, now: now)
        }
    }

    package func applyRegistryEvents(
        changed: [RegistryEntry], removed: [Int], url: String, after previous: Int64, through sequence: Int64, now: Date
    ) async throws(StoreError) -> Bool {
        try await write("apply AR events") { db in
            let current = try Row.fetchOne(db, sql: "SELECT ar_url, last_sequence FROM registry_sync WHERE id = 1")
            guard let current, current["ar_url"] as String == url, current["last_sequence"] as Int64 == previous else { return false }
            try Self.upsertParties(db, changed, origin: .arEvent(url: url, sequence: sequence), now: now)
            let delete = try db.makeStatement(sql: "DELETE FROM party WHERE her_id = ?")
            for herId in removed { try delete.execute(arguments: [herId]) }
            try db.execute(
                sql: "UPDATE registry_sync SET last_sequence = ?, synced_at = ? WHERE id = 1",
                arguments: [sequence, now.timeIntervalSince1970])
            if !changed.isEmpty || !removed.isEmpty { try Self.bumpRegistryVersion(db, source: url, now: now) }
            return true
        }
    }
}
