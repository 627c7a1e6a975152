import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// How long past its end a record is kept: instances' clocks differ a little, and one
    /// running ahead must not remove a record that another still counts within the window.
    static let proofRecordMargin: TimeInterval = 300

    /// Records `jti` until `expiry`, or takes over its record when that has expired; false
    /// while an unexpired record stands. Each call also removes a few records well past their
    /// end, skipping those another instance is removing, so that the table stays small and
    /// instances do not wait on each other's clean-up. One statement is atomic by itself, so
    /// it runs without `BEGIN`/`COMMIT`: this is on every authenticated request of a fleet.
    package func recordProof(_ jti: String, until expiry: Date, now: Date) async throws(StoreError) -> Bool {
        try await read("record a DPoP proof") { db in
            let stamp = now.timeIntervalSince1970
            return try await db.run("""
                WITH expired AS (
                    DELETE FROM dpop_proof WHERE jti IN (
                        SELECT jti FROM dpop_proof WHERE until <= \(stamp - Self.proofRecordMargin) AND jti <> \(jti)
                        LIMIT 32 FOR UPDATE SKIP LOCKED))
                INSERT INTO dpop_proof (jti, until) VALUES (\(jti), \(expiry.timeIntervalSince1970))
                ON CONFLICT (jti) DO UPDATE SET until = excluded.until WHERE dpop_proof.until <= \(stamp)
                RETURNING 1
                """, self.logger) > 0
        }
    }
}
