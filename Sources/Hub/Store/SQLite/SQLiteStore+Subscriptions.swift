import Foundation
import GRDB

/// Event subscriptions.
extension SQLiteStore {
    package func putSubscription(_ subscription: EventSubscription, now: Date) async throws(StoreError) {
        try await write("save a subscription") { db in
            try db.cachedStatement(sql: """
                INSERT INTO subscription (her_id, kinds, actions, covered_her_ids, channel, webhook_url, webhook_secret, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (her_id) DO UPDATE SET kinds = excluded.kinds, actions = excluded.actions,
                    covered_her_ids = excluded.covered_her_ids, channel = excluded.channel, webhook_url = excluded.webhook_url,
                    webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at
                """).execute(arguments: [
                    subscription.herId, subscription.kindsColumn, subscription.actionsColumn, subscription.coveredHerIdsColumn,
                    subscription.channel.rawValue, subscription.webhook?.url, subscription.webhook?.secret, now.timeIntervalSince1970,
                ])
            if subscription.channel == .api {
                try db.execute(sql: "DELETE FROM event_delivery WHERE subscriber = ?", arguments: [subscription.herId])
            } else {
                try db.execute(sql: "UPDATE event_delivery SET transport = ? WHERE subscriber = ?",
                               arguments: [EventDelivery.transportColumn(subscription.channel), subscription.herId])
            }
        }
    }

    @discardableResult
    package func deleteSubscription(herId: Int) async throws(StoreError) -> Bool {
        try await write("delete a subscription") { db in
            try db.execute(sql: "DELETE FROM event_delivery WHERE subscriber = ?", arguments: [herId])
            try db.execute(sql: "DELETE FROM subscription WHERE her_id = ?", arguments: [herId])
            return db.changesCount > 0
        }
    }

    package func subscription(herId: Int) async throws(StoreError) -> EventSubscription? {
        try await read("read a subscription") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM subscription WHERE her_id = ?"), arguments: [herId])
                .map(Self.subscription(from:))
        }
    }

    package func subscriptions() async throws(StoreError) -> [EventSubscription] {
        try await read("read the subscriptions") { db in try Self.fetchSubscriptions(db) }
    }

    static func fetchSubscriptions(_ db: Database) throws -> [EventSubscription] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM subscription ORDER BY her_id")).map(subscription(from:))
    }

    private static func subscription(from row: Row) throws -> EventSubscription {
        try EventSubscription(
            herId: row["her_id"], kindsColumn: row["kinds"], actionsColumn: row["actions"],
            coveredHerIdsColumn: row["covered_her_ids"], channelColumn: row["channel"], webhookURL: row["webhook_url"],
            webhookSecret: row["webhook_secret"])
    }
}
