/// What `/readyz` asks besides the store and the registry: the broker link, from the AMQP side.
package struct ReadinessCheck: Sendable {
    /// Nil when the broker is connected, else why not.
    package var broker: @Sendable () async -> String?

    package init(broker: @escaping @Sendable () async -> String?) {
        self.broker = broker
    }
}
