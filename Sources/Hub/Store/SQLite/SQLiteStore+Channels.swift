import Foundation
import GRDB

extension SQLiteStore {
    package func deliveryChannels() async throws(StoreError) -> [Int: DeliveryChannel] {
        try await read("read delivery channels") { db in
            var channels: [Int: DeliveryChannel] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT her_id, channel, webhook_url, webhook_secret FROM delivery_channel") {
                let herId: Int = row["her_id"]
                switch row["channel"] as String {
                case "api": channels[herId] = .api
                case "webhook":
                    if let url: String = row["webhook_url"], let secret: String = row["webhook_secret"] {
                        channels[herId] = .webhook(WebhookEndpoint(url: url, secret: secret))
                    }
                default: break
                }
            }
            return channels
        }
    }

    package func setDeliveryChannels(_ channels: [Int: DeliveryChannel], now: Date) async throws(StoreError) {
        try await write("set delivery channels") { db in
            for (herId, channel) in channels {
                switch channel {
                case .amqp:
                    try db.execute(sql: "DELETE FROM delivery_channel WHERE her_id = ?", arguments: [herId])
                case .api:
                    try Self.upsertChannel(herId, "api", nil, now: now, db: db)
                case .webhook(let endpoint):
                    try Self.upsertChannel(herId, "webhook", endpoint, now: now, db: db)
                }
            }
        }
    }

    private static func upsertChannel(_ herId: Int, _ channel: String, _ endpoint: WebhookEndpoint?, now: Date, db: Database) throws {
        try db.execute(sql: """
            INSERT INTO delivery_channel (her_id, channel, webhook_url, webhook_secret, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (her_id) DO UPDATE SET channel = excluded.channel, webhook_url = excluded.webhook_url,
                webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at
            """, arguments: [herId, channel, endpoint?.url, endpoint?.secret, now.timeIntervalSince1970])
    }
}
