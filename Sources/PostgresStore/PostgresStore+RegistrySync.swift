import AddressRegistry
import Foundation
import Hub
import PostgresNIO

/// The registry copy as AR's: how far it has followed AR, a full sync, and AR's events. Each
/// writer takes the registry lock first (`lockRegistry`), so that a sync and a file import on
/// two instances take turns.
extension PostgresStore {
    /// How far the copy has followed AR; nil when the copy is not AR's (never synced, or a file
    /// import replaced it since).
    package func registrySyncPosition() async throws(StoreError) -> RegistrySyncPosition? {
        try await read("read AR sync position") { db in
            try await db.record(
                "SELECT ar_url, last_sequence, exported_at, synced_at FROM registry_sync WHERE id = 1", self.logger
            ).map { row in
                RegistrySyncPosition(
                    url: try row["ar_url"], sequence: try row["last_sequence"],
                    exportedAt: Date(timeIntervalSince1970: try row["exported_at"]),
                    syncedAt: Date(timeIntervalSince1970: try row["synced_at"]))
            }
        }
    }

    /// Replaces the whole copy with a complete sync from AR at `url`, whose export stood at
    /// event `sequence`, in one transaction: a hub never routes with half of it.
    package func replaceRegistry(fromAR entries: [RegistryEntry], url: String, sequence: Int64, now: Date) async throws(StoreError) {
        try await write("replace registry from AR") { db in
            try await self.lockRegistry(db: db)
            try await self.replaceParties(entries, origin: .arExport(url: url, sequence: sequence), now: now, db: db)
            let stamp = now.timeIntervalSince1970
            try await db.run("""
                INSERT INTO registry_sync (id, ar_url, last_sequence, exported_at, synced_at)
                VALUES (1, \(url), \(sequence), \(stamp), \(stamp))
                ON CONFLICT (id) DO UPDATE SET ar_url = excluded.ar_url, last_sequence = excluded.last_sequence,
                                               exported_at = excluded.exported_at, synced_at = excluded.synced_at
                """, self.logger)
            try await self.bumpRegistryVersion(source: url, now: now, db: db)
        }
    }

    /// Takes in AR's events after `previous` up to `sequence`: the parties they named as AR now
    /// gives them (`changed`, replacing the stored ones) and those AR no longer gives out
    /// (`removed`), with the new position, in one transaction.
    ///
    /// Returns false, changing nothing, when the position is no longer `previous` at `url`: the
    /// copy was replaced meanwhile (a file import, another sync), and these events do not apply
    /// to it.
    package func applyRegistryEvents(
        changed: [RegistryEntry], removed: [Int], url: String, after previous: Int64, through sequence: Int64, now: Date
    ) async throws(StoreError) -> Bool {
        try await write("apply AR events") { db in
            // The position is read under the registry lock: no other writer moves it before this commits.
            try await self.lockRegistry(db: db)
            guard let current = try await db.record("SELECT ar_url, last_sequence FROM registry_sync WHERE id = 1", self.logger)
            else { return false }
            let currentURL: String = try current["ar_url"]
            let currentSequence: Int64 = try current["last_sequence"]
            guard currentURL == url, currentSequence == previous else { return false }
            try await self.upsertParties(changed, origin: .arEvent(url: url, sequence: sequence), now: now, db: db)
            if !removed.isEmpty {
                try await db.run("DELETE FROM party WHERE her_id = ANY(\(removed))", self.logger)
            }
            try await db.run("""
                UPDATE registry_sync SET last_sequence = \(sequence), synced_at = \(now.timeIntervalSince1970) WHERE id = 1
                """, self.logger)
            if !changed.isEmpty || !removed.isEmpty { try await self.bumpRegistryVersion(source: url, now: now, db: db) }
            return true
        }
    }
}
