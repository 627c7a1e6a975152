import Foundation
import Hub
import PostgresNIO

/// What is still to be delivered of the event log, lane by lane.
///
/// Rows are not claimed: the event dispatcher runs on one instance of the fleet at a time
/// (fleet.md §2), which is what keeps a subscriber's deliveries in order.
extension PostgresStore {
    /// The rows due now that head their lane (no older row of the same subscriber and citizen
    /// is left), oldest first: a citizen's later event waits until the earlier one is
    /// delivered, and nothing else waits for it. Only rows up to `sequence` are read.
    package func dueEventDeliveries(
        webhooks: Bool, now: Date, upTo sequence: Int64, limit: Int
    ) async throws(StoreError) -> [EventDelivery] {
        let transport = webhooks ? "webhook" : "amqp"
        return try await read("read due event deliveries") { db in
            // One statement, so one snapshot: a lane's head and what is behind it are seen together.
            try await db.records("""
                SELECT d.subscriber, d.sequence, d.attempts, e.event_id, e.kind, e.action, e.body, s.webhook_url, s.webhook_secret
                FROM event_delivery d
                JOIN event e ON e.sequence = d.sequence
                LEFT JOIN subscription s ON s.her_id = d.subscriber
                WHERE d.transport = \(transport) AND d.next_attempt_at <= \(now.timeIntervalSince1970) AND d.sequence <= \(sequence)
                  AND NOT EXISTS (SELECT 1 FROM event_delivery p
                                  WHERE p.subscriber = d.subscriber AND p.citizen = d.citizen AND p.sequence < d.sequence)
                ORDER BY d.sequence, d.subscriber LIMIT \(limit)
                """, self.logger).map { row in
                let url: String? = try row["webhook_url"]
                let secret: String? = try row["webhook_secret"]
                let body: Data = try row["body"]
                return EventDelivery(
                    subscriber: try row["subscriber"], sequence: try row["sequence"], attempts: try row["attempts"],
                    eventId: try row["event_id"], kind: try row["kind"], action: try row["action"], body: Array(body),
                    webhook: url.map { WebhookEndpoint(url: $0, secret: secret ?? "") })
            }
        }
    }

    /// When the next lane head of this loop falls due; nil when none is left. (A row behind its
    /// lane's head may be due already, but it is not sent before the head.)
    package func nextEventDeliveryDue(webhooks: Bool) async throws(StoreError) -> Date? {
        let transport = webhooks ? "webhook" : "amqp"
        return try await read("read the next event delivery") { db in
            // In due order, stopping at the first lane head.
            try await db.value("""
                SELECT d.next_attempt_at FROM event_delivery d
                WHERE d.transport = \(transport)
                  AND NOT EXISTS (SELECT 1 FROM event_delivery p
                                  WHERE p.subscriber = d.subscriber AND p.citizen = d.citizen AND p.sequence < d.sequence)
                ORDER BY d.next_attempt_at LIMIT 1
                """, self.logger, as: Double.self)
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Removes the delivered rows and reschedules the failed ones.
    package func recordEventDeliveries(
        delivered: [EventDelivery], failed: [(delivery: EventDelivery, retryAt: Date, error: String)]
    ) async throws(StoreError) {
        let subscribers = delivered.map(\.subscriber)
        let sequences = delivered.map(\.sequence)
        // Not announced: delivery rows are read by the event dispatcher on its own schedule,
        // and nothing that follows the change feed (the notification streams) reads them.
        try await write("record event deliveries", announce: false) { db in
            // A whole batch in one statement each: the rows delivered are most of a pass, and a
            // subscriber that is down fails all of its own.
            if !delivered.isEmpty {
                try await db.run("""
                    DELETE FROM event_delivery d
                    USING unnest(\(subscribers), \(sequences)) AS x(subscriber, sequence)
                    WHERE d.subscriber = x.subscriber AND d.sequence = x.sequence
                    """, self.logger)
            }
            if !failed.isEmpty {
                try await db.run("""
                    UPDATE event_delivery d
                    SET attempts = d.attempts + 1, next_attempt_at = x.retry_at, last_error = x.error
                    FROM unnest(\(failed.map { $0.delivery.subscriber }), \(failed.map { $0.delivery.sequence }),
                                \(failed.map { $0.retryAt.timeIntervalSince1970 }), \(failed.map { $0.error }))
                         AS x(subscriber, sequence, retry_at, error)
                    WHERE d.subscriber = x.subscriber AND d.sequence = x.sequence
                    """, self.logger)
            }
        }
    }

    /// The subscriptions and the log's last sequence, read together: whatever is at or below
    /// that sequence was appended knowing these subscriptions (or older ones).
    package func subscriptionsAndLogEnd() async throws(StoreError) -> (subscriptions: [EventSubscription], end: Int64) {
        try await read("read the subscriptions") { db in
            // Two snapshots, the end first: every event at or below it was committed before the
            // subscriptions are read, and so was appended knowing these subscriptions or older
            // ones (a subscription changes under the event lock, which every append holds).
            let end = try await db.value("SELECT sequence FROM event ORDER BY sequence DESC LIMIT 1", self.logger, as: Int64.self)
            return (try await self.fetchSubscriptions(db), end ?? 0)
        }
    }

    /// How many rows are waiting per subscriber (0: the exchange), for `hubd subscriptions list`.
    package func pendingEventDeliveries() async throws(StoreError) -> [Int: Int] {
        try await read("count pending event deliveries") { db in
            var counts: [Int: Int] = [:]
            for row in try await db.records("SELECT subscriber, COUNT(*) AS n FROM event_delivery GROUP BY subscriber", self.logger) {
                counts[try row["subscriber"]] = try row["n"]
            }
            return counts
        }
    }
}
