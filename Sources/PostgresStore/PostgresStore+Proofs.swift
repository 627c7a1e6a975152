import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Records `jti` until `expiry`, or takes over its record when that has expired; false
    /// while an unexpired record stands. Each call also removes a few expired records, skipping
    /// those another instance is removing, so that the table holds about one proof window of
    /// requests and instances do not wait on each other's clean-up.
    package func recordProof(_ jti: String, until expiry: Date, now: Date) async throws(StoreError) -> Bool {
        try await write("record a DPoP proof", announce: false) { db in
            let stamp = now.timeIntervalSince1970
            return try await db.run("""
                WITH expired AS (
                    DELETE FROM dpop_proof WHERE jti IN (
                        SELECT jti FROM dpop_proof WHERE until <= \(stamp) AND jti <> \(jti)
                        LIMIT 32 FOR UPDATE SKIP LOCKED))
                INSERT INTO dpop_proof (jti, until) VALUES (\(jti), \(expiry.timeIntervalSince1970))
                ON CONFLICT (jti) DO UPDATE SET until = excluded.until WHERE dpop_proof.until <= \(stamp)
                RETURNING 1
                """, self.logger) > 0
        }
    }
}
