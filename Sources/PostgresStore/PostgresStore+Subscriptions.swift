import Dialogs
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
            try await lock(.event, db: db)
            try await db.run("""
                INSERT INTO subscription (her_id, kinds, actions, covered_her_ids, channel, webhook_url, webhook_secret, updated_at)
                VALUES (\(subscription.herId), \(subscription.kinds.map(\.rawValue).joined(separator: ",")),
                        \(subscription.actions.map(\.rawValue).joined(separator: ",")),
                        \(subscription.coveredHerIds.map(String.init).joined(separator: ",")),
                        \(subscription.channel.rawValue), \(subscription.webhook?.url), \(subscription.webhook?.secret),
                        \(now.timeIntervalSince1970))
                ON CONFLICT (her_id) DO UPDATE SET kinds = excluded.kinds, actions = excluded.actions,
                    covered_her_ids = excluded.covered_her_ids, channel = excluded.channel, webhook_url = excluded.webhook_url,
                    webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at
                """, logger)
            if subscription.channel == .api {
                try await db.run("DELETE FROM event_delivery WHERE subscriber = \(subscription.herId)", logger)
            } else {
                try await db.run("""
                    UPDATE event_delivery SET transport = \(EventDelivery.transportColumn(subscription.channel))
                    WHERE subscriber = \(subscription.herId)
                    """, logger)
            }
        }
    }

    /// Removes a party's subscription and what was still to be delivered to it directly.
    /// False when it had none.
    @discardableResult
    package func deleteSubscription(herId: Int) async throws(StoreError) -> Bool {
        try await write("delete a subscription") { db in
            // Under the event lock, as in `putSubscription`: no append still writes rows for it.
            try await lock(.event, db: db)
            try await db.run("DELETE FROM event_delivery WHERE subscriber = \(herId)", logger)
            return try await db.run("DELETE FROM subscription WHERE her_id = \(herId) RETURNING 1", logger) > 0
        }
    }

    package func subscription(herId: Int) async throws(StoreError) -> EventSubscription? {
        try await read("read a subscription") { db in
            try await db.record("""
                SELECT her_id, kinds, actions, covered_her_ids, channel, webhook_url, webhook_secret
                FROM subscription WHERE her_id = \(herId)
                """, logger)
                .map(Self.subscription(from:))
        }
    }

    package func subscriptions() async throws(StoreError) -> [EventSubscription] {
        try await read("read the subscriptions") { db in try await fetchSubscriptions(db) }
    }

    func fetchSubscriptions(_ db: PostgresConnection) async throws -> [EventSubscription] {
        try await db.records("""
            SELECT her_id, kinds, actions, covered_her_ids, channel, webhook_url, webhook_secret
            FROM subscription ORDER BY her_id
            """, logger)
            .map(Self.subscription(from:))
    }

    private static func subscription(from row: PostgresRecord) throws -> EventSubscription {
        let herId: Int = try row["her_id"]
        func list<T>(_ column: String, _ make: (Substring) -> T?) throws -> [T] {
            let text: String = try row[column]
            return try text.split(separator: ",").map { part in
                guard let value = make(part) else { throw CorruptRecord("subscription \(herId): \(column) holds '\(part)'") }
                return value
            }
        }
        guard let channel = EventSubscription.Channel(rawValue: try row["channel"]) else {
            throw CorruptRecord("subscription \(herId): unknown channel")
        }
        let url: String? = try row["webhook_url"]
        let secret: String? = try row["webhook_secret"]
        return EventSubscription(
            herId: herId,
            kinds: try list("kinds") { AccessRestrictionEvent.Kind(rawValue: String($0)) },
            actions: try list("actions") { AccessRestrictionEvent.Action(rawValue: String($0)) },
            coveredHerIds: try list("covered_her_ids") { Int($0) },
            channel: channel,
            webhook: url.map { WebhookEndpoint(url: $0, secret: secret ?? "") })
    }
}
