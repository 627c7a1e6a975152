import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Every party's channel other than the default (AMQP).
    package func deliveryChannels() async throws(StoreError) -> [Int: DeliveryChannel] {
        try await read("read delivery channels") { db in
            var channels: [Int: DeliveryChannel] = [:]
            for row in try await db.records("SELECT her_id, channel, webhook_url, webhook_secret FROM delivery_channel", self.logger) {
                let herId: Int = try row["her_id"]
                switch try row["channel"] as String {
                case "api": channels[herId] = .api
                case "webhook":
                    if let url: String = try row["webhook_url"], let secret: String = try row["webhook_secret"] {
                        channels[herId] = .webhook(WebhookEndpoint(url: url, secret: secret))
                    }
                default: break
                }
            }
            return channels
        }
    }

    /// Sets the channels of these parties in one transaction; `.amqp` removes a party's row.
    package func setDeliveryChannels(_ channels: [Int: DeliveryChannel], now: Date) async throws(StoreError) {
        try await write("set delivery channels") { db in
            for (herId, channel) in channels {
                let (name, endpoint): (String?, WebhookEndpoint?) = switch channel {
                case .amqp: (nil, nil)
                case .api: ("api", nil)
                case .webhook(let endpoint): ("webhook", endpoint)
                }
                guard let name else {
                    try await db.query("DELETE FROM delivery_channel WHERE her_id = \(herId)", logger: self.logger)
                    continue
                }
                try await db.query("""
                    INSERT INTO delivery_channel (her_id, channel, webhook_url, webhook_secret, updated_at)
                    VALUES (\(herId), \(name), \(endpoint?.url), \(endpoint?.secret), \(now.timeIntervalSince1970))
                    ON CONFLICT (her_id) DO UPDATE SET channel = excluded.channel, webhook_url = excluded.webhook_url,
                        webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at
                    """, logger: self.logger)
            }
        }
    }
}
