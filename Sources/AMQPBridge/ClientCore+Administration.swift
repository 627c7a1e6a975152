import CRabbitMQ

/// Declaring, inspecting, purging and deleting queues, and `basic.get`.
extension ClientCore {
    func declareOnChannel(_ c: AMQPConnection, _ name: String, _ options: AMQPQueueOptions) throws(AMQPError) -> AMQPDeclareResult {
        guard let st = c.state else { throw .closed }
        let arena = CArena()
        _ = amqp_queue_declare(st, c.channel, arena.bytes(name), 0, options.durable ? 1 : 0, 0, 0,
                               arena.table(options.arguments))
        do throws(AMQPError) {
            try c.checkLastReply("queue.declare '\(name)'")
        } catch .channelClosed(406, let text) {
            // Exists with other arguments: usable. Reopen the channel for what follows.
            declared.insert(name)
            logger.notice("AMQP queue exists with different arguments; using it as it is",
                          metadata: ["amqp.queue": "\(name)", "amqp.text": "\(text)"])
            try ready(c)
            return .existsWithDifferentArguments(text)
        }
        declared.insert(name)
        return .declared
    }

    func declareQueueJob(_ name: String, options: AMQPQueueOptions) throws(AMQPError) -> AMQPDeclareResult {
        // An overlong name cannot be encoded; checked here, it costs no connection.
        guard name.utf8.count <= AMQPOutboundMessage.shortStringLimit else {
            throw .invalidArgument("queue name of \(name.utf8.count) bytes; AMQP allows 255")
        }
        let r = try operation { c throws(AMQPError) in try declareOnChannel(c, name, options) }
        knownQueues[name] = options
        return r
    }

    func messageCountJob(_ queue: String) throws(AMQPError) -> UInt32 {
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            let ok = amqp_queue_declare(st, c.channel, arena.bytes(queue), 1, 0, 0, 0, amqp_empty_table)
            do throws(AMQPError) {
                try c.checkLastReply("queue.declare(passive) '\(queue)'")
            } catch .channelClosed(404, _) {
                throw .queueNotFound(queue)
            }
            guard let ok else { throw .protocolError("queue.declare-ok missing") }
            return ok.pointee.message_count
        }
    }

    func getJob(_ queue: String) throws(AMQPError) -> AMQPDelivery? {
        let gen = generation
        return try operation { c throws(AMQPError) -> AMQPDelivery? in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            let reply = amqp_basic_get(st, c.channel, arena.bytes(queue), 1)
            do throws(AMQPError) {
                try c.check(reply, "basic.get '\(queue)'")
            } catch .channelClosed(404, _) {
                throw .queueNotFound(queue)
            }
            if reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD { return nil }
            guard reply.reply.id == AMQP_BASIC_GET_OK_METHOD, let d = reply.reply.decoded else {
                throw .protocolError("unexpected reply to basic.get")
            }
            let m = d.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
            let tag = m.delivery_tag
            let redelivered = m.redelivered != 0
            let exchange = CDecode.string(m.exchange)
            let rk = CDecode.string(m.routing_key)
            var msg = amqp_message_t()
            try c.check(amqp_read_message(st, c.channel, &msg, 0), "reading message from '\(queue)'")
            defer { amqp_destroy_message(&msg) }
            return AMQPDelivery(deliveryTag: tag, epoch: gen, redelivered: redelivered, exchange: exchange,
                                routingKey: rk, properties: CDecode.properties(msg.properties),
                                body: CDecode.bytes(msg.body))
        }
    }

    func purgeJob(_ queue: String) throws(AMQPError) -> UInt32 {
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            let ok = amqp_queue_purge(st, c.channel, arena.bytes(queue))
            do throws(AMQPError) {
                try c.checkLastReply("queue.purge '\(queue)'")
            } catch .channelClosed(404, _) {
                throw .queueNotFound(queue)
            }
            return ok?.pointee.message_count ?? 0
        }
    }

    func deleteQueueJob(_ name: String) throws(AMQPError) {
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            _ = amqp_queue_delete(st, c.channel, arena.bytes(name), 0, 0)
            try c.checkLastReply("queue.delete '\(name)'")
        }
        declared.remove(name)
        knownQueues[name] = nil
    }
}
