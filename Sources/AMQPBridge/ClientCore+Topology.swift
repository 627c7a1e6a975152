import CRabbitMQ

/// Exchanges and bindings: the fan-out of events to subscribers' queues.
extension ClientCore {
    func declareExchangeJob(_ name: String, type: String) throws(AMQPError) {
        guard name.utf8.count <= AMQPOutboundMessage.shortStringLimit else {
            throw .invalidArgument("exchange name of \(name.utf8.count) bytes; AMQP allows 255")
        }
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            _ = amqp_exchange_declare(st, c.channel, arena.bytes(name), arena.bytes(type), 0, 1, 0, 0, amqp_empty_table)
            try c.checkLastReply("exchange.declare '\(name)'")
        }
        exchangesOK.insert(name)
    }

    func bindingJob(queue: String, exchange: String, routingKey: String, bind: Bool) throws(AMQPError) {
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            if bind {
                _ = amqp_queue_bind(st, c.channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey), amqp_empty_table)
                try c.checkLastReply("queue.bind '\(queue)' to '\(exchange)' with '\(routingKey)'")
            } else {
                _ = amqp_queue_unbind(st, c.channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey), amqp_empty_table)
                try c.checkLastReply("queue.unbind '\(queue)' from '\(exchange)' with '\(routingKey)'")
            }
        }
    }
}
