import Foundation
import Hub
import PostgresNIO

/// Event subscriptions.
extension PostgresStore {
    /// Creates or replaces a party's subscription. A new one starts at the current end of the
    /// log (events.md §4). When the channel changes, what was still to be delivered to the
    /// subscriber directly follows it to the new channel (an `Api` subscriber reads the log
    /// itself, so its rows go).
    package func putSubscription(_ subscription: EventSubscription, now: Date) async throws(StoreError) {
        try await write("save a subscription") { db in
            // Under the event lock, as every append: an append on another instance reads the
            // subscriptions and writes delivery rows by them in one turn, so its rows cannot
            // land after this change under the old channel.
            try await self.lock(.event, db: db)
            try await db.run("""
                INSERT INTO subscription (her_id, kinds, actions, covered_her_ids, channel, webhook_url, webhook_secret, updated_at)
                VALUES (\(subscription.herId), \(subscription.kindsColumn), \(subscription.actionsColumn),
                        \(subscription.coveredHerIdsColumn), \(subscription.channel.rawValue), \(subscription.webhook?.url),
                        \(subscription.webhook?.secret), \(now.timeIntervalSince1970))
                ON CONFLICT (her_id) DO UPDATE SET kinds = excluded.kinds, actions = excluded.actions,
                    covered_her_ids = excluded.covered_her_ids, channel = excluded.channel, webhook_url = excluded.webhook_url,
                    webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at
                """, self.logger)
            if subscription.channel == .api {
                try await db.run("DELETE FROM event_delivery WHERE subscriber = \(subscription.herId)", self.logger)
            } else {
                try await db.run("""
                    UPDATE event_delivery SET transport = \(EventDelivery.transportColumn(subscription.channel))
                    WHERE subscriber = \(subscription.herId)
                    """, self.logger)
            }
        }
    }

    /// Removes a party's subscription and what was still to be delivered to it directly.
    /// False when it had none.
    @discardableResult
    package func deleteSubscription(herId: Int) async throws(StoreError) -> Bool {
        try await write("delete a subscription") { db in
            // Under the event lock, as in `putSubscription`: no append still writes rows for it.
            try await self.lock(.event, db: db)
            try await db.run("DELETE FROM event_delivery WHERE subscriber = \(herId)", self.logger)
            return try await db.run("DELETE FROM subscription WHERE her_id = \(herId) RETURNING 1", self.logger) > 0
        }
    }

    package func subscription(herId: Int) async throws(StoreError) -> EventSubscription? {
        try await read("read a subscription") { db in
            try await db.record("""
                SELECT her_id, kinds, actions, covered_her_ids, channel, webhook_url, webhook_secret
                FROM subscription WHERE her_id = \(herId)
                """, self.logger)
                .map(Self.subscription(from:))
        }
    }

    package func subscriptions() async throws(StoreError) -> [EventSubscription] {
        try await read("read the subscriptions") { db in try await self.fetchSubscriptions(db) }
    }

    func fetchSubscriptions(_ db: PostgresConnection) async throws -> [EventSubscription] {
        try await db.records("""
            SELECT her_id, kinds, actions, covered_her_ids, channel, webhook_url, webhook_secret
            FROM subscription ORDER BY her_id
            """, logger)
            .map(Self.subscription(from:))
    }

    private static func subscription(from row: PostgresRecord) throws -> EventSubscription {
        try EventSubscription(
            herId: try row["her_id"], kindsColumn: try row["kinds"], actionsColumn: try row["actions"],
            coveredHerIdsColumn: try row["covered_her_ids"], channelColumn: try row["channel"],
            webhookURL: try row["webhook_url"], webhookSecret: try row["webhook_secret"])
    }
}
