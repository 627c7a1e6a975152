/// How a party receives messages (REST contract §5): on its AR queue (the default), from
/// hubd's store over the REST API, or pushed to its webhook.
package enum DeliveryChannel: Sendable, Hashable {
    case amqp
    case api
    case webhook(WebhookEndpoint)

    /// The name NHN's API uses (`receiveNotificationChannel`).
    package var name: String {
        switch self {
        case .amqp: "Amqp"
        case .api: "Api"
        case .webhook: "Webhook"
        }
    }
}
