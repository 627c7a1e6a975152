/// Where a transport takes a message: a queue on the broker, or a party's HTTP endpoint.
package enum Destination: Sendable, Hashable {
    /// A broker queue (for AMQP: through the default exchange).
    case queue(String)
    /// A webhook: the message is POSTed to `url`, signed with `secret`.
    case endpoint(WebhookEndpoint)
    /// A broker exchange, which routes by `routingKey` to every queue bound for it (events'
    /// fan-out: one publish for many subscribers). Reaching no queue is not a failure.
    case exchange(String, routingKey: String)

    /// One name per destination, for back-off bookkeeping and logs (never the secret).
    package var name: String {
        switch self {
        case .queue(let name): name
        case .endpoint(let endpoint): endpoint.url
        case .exchange(let name, _): name
        }
    }
}
