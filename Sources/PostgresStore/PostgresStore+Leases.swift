import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Takes or renews this instance's lease on `job` until `now + duration`; false while
    /// another instance holds an unexpired one. A holder renews well before its lease ends
    /// (callers renew on every round of their job), so the job moves only when its holder stops.
    package func holdLease(_ job: FleetJob, for duration: TimeInterval, now: Date) async throws(StoreError) -> Bool {
        try await write("hold the \(job.rawValue) lease", announce: false) { db in
            try await db.run("""
                INSERT INTO fleet_lease (job, holder, until)
                VALUES (\(job.rawValue), \(self.instance), \(now.timeIntervalSince1970 + duration))
                ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, until = excluded.until
                WHERE fleet_lease.holder = excluded.holder OR fleet_lease.until < \(now.timeIntervalSince1970)
                RETURNING 1
                """, self.logger) > 0
        }
    }

    /// Gives up this instance's leases (a clean shutdown), so that others take over at once.
    package func releaseLeases() async throws(StoreError) {
        try await write("release leases", announce: false) { db in
            try await db.query("DELETE FROM fleet_lease WHERE holder = \(self.instance)", logger: self.logger)
        }
    }
}
