import Foundation
import GRDB

/// What is still to be delivered of the event log, lane by lane.
extension SQLiteStore {
    package func dueEventDeliveries(
        webhooks: Bool, now: Date, upTo sequence: Int64, limit: Int
    ) async throws(StoreError) -> [EventDelivery] {
        let transport = webhooks ? "webhook" : "amqp"
        return try await read("read due event deliveries") { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT d.subscriber, d.sequence, d.attempts, e.event_id, e.kind, e.action, e.body, s.webhook_url, s.webhook_secret
                FROM event_delivery d INDEXED BY event_delivery_order
                JOIN event e ON e.sequence = d.sequence
                LEFT JOIN subscription s ON s.her_id = d.subscriber
                WHERE d.transport = ? AND d.next_attempt_at <= ? AND d.sequence <= ?
                  AND NOT EXISTS (SELECT 1 FROM event_delivery p
                                  WHERE p.subscriber = d.subscriber AND p.citizen = d.citizen AND p.sequence < d.sequence)
                ORDER BY d.sequence, d.subscriber LIMIT ?
                """), arguments: [transport, now.timeIntervalSince1970, sequence, limit]).map { row in
                let url: String? = row["webhook_url"]
                let secret: String? = row["webhook_secret"]
                return EventDelivery(
                    subscriber: row["subscriber"], sequence: row["sequence"], attempts: row["attempts"],
                    eventId: row["event_id"], kind: row["kind"], action: row["action"], body: Array(row["body"] as Data),
                    webhook: url.map { WebhookEndpoint(url: $0, secret: secret ?? "") })
            }
        }
    }

    package func nextEventDeliveryDue(webhooks: Bool) async throws(StoreError) -> Date? {
        try await read("read the next event delivery") { db in
            // In due order, stopping at the first lane head.
            try Double.fetchOne(db.cachedStatement(sql: """
                SELECT d.next_attempt_at FROM event_delivery d INDEXED BY event_delivery_due
                WHERE d.transport = ?
                  AND NOT EXISTS (SELECT 1 FROM event_delivery p
                                  WHERE p.subscriber = d.subscriber AND p.citizen = d.citizen AND p.sequence < d.sequence)
                ORDER BY d.next_attempt_at LIMIT 1
                """), arguments: [webhooks ? "webhook" : "amqp"])
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    package func recordEventDeliveries(
        delivered: [EventDelivery], failed: [(delivery: EventDelivery, retryAt: Date, error: String)]
    ) async throws(StoreError) {
        try await write("record event deliveries") { db in
            for delivery in delivered {
                try db.cachedStatement(sql: "DELETE FROM event_delivery WHERE subscriber = ? AND sequence = ?")
                    .execute(arguments: [delivery.subscriber, delivery.sequence])
            }
            for (delivery, retryAt, error) in failed {
                try db.cachedStatement(sql: """
                    UPDATE event_delivery SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                    WHERE subscriber = ? AND sequence = ?
                    """).execute(arguments: [retryAt.timeIntervalSince1970, error, delivery.subscriber, delivery.sequence])
            }
        }
    }

    package func subscriptionsAndLogEnd() async throws(StoreError) -> (subscriptions: [EventSubscription], end: Int64) {
        try await read("read the subscriptions") { db in
            (try Self.fetchSubscriptions(db), try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM event") ?? 0)
        }
    }

    package func pendingEventDeliveries() async throws(StoreError) -> [Int: Int] {
        try await read("count pending event deliveries") { db in
            var counts: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT subscriber, COUNT(*) AS n FROM event_delivery GROUP BY subscriber") {
                counts[row["subscriber"]] = row["n"]
            }
            return counts
        }
    }
}
