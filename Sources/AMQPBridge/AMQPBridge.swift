// AMQPBridge: a Swift API over rabbitmq-c 0.11 (Debian 12's librabbitmq). No C type is public.
//
// Public API
//   AMQPSettings(url:)            amqp:// / amqps:// URL → settings (see AMQPSettings docs);
//                                 several URLs separated by commas → `endpoints` (a cluster's
//                                 nodes); `redacted` / description never contain the password.
//   AMQPQueueOptions(type:)       durable classic or quorum queue (AMQPQueueType)
//   AMQPClient                    one connection + thread: publisher confirms and administration
//     declareQueue(_:options:) -> AMQPDeclareResult   (.existsWithDifferentArguments on 406)
//     publish(_:declaring:) -> [AMQPPublishOutcome]    (never throws; one outcome per message)
//     messageCount(queue:), get(queue:), purge(queue:), deleteQueue(_:), close()
//     isConnected, connectedNode, lastError, connectionGeneration   (non-blocking status)
//   AMQPConsumer                  one connection + thread: manual ack, prefetch, batches
//     batches() -> AsyncStream<[AMQPDelivery]>, ack(upTo:epoch:), ack(_:epoch:),
//     reject(_:epoch:requeue:), pause(), resume(), close(); isConnected, connectedNode, epoch, lastError
//
// Threading
//   Every rabbitmq-c connection lives on its own Foundation Thread and is touched by nothing
//   else (rabbitmq-c is not thread-safe, and its calls block). Async callers post jobs to a
//   mailbox (Mutex + self-pipe) and are resumed through continuations; the thread waits with
//   poll(2) on the broker socket *and* the pipe, so a posted ack or job wakes it at once. The
//   cooperative pool is never blocked.
//
// Heartbeats
//   rabbitmq-c sends/checks heartbeats only inside its own calls. Idle threads therefore wake
//   at least every min(heartbeat/4, 1 s) (and whenever the socket is readable) and read with a
//   zero timeout. Data already inside rabbitmq-c's buffer (amqp_data_in_buffer /
//   amqp_frames_enqueued) is invisible to poll(2); it is checked before waiting.
//
// Reconnection
//   rabbitmq-c does not reconnect. On any connection-level error the connection is destroyed
//   and re-opened with capped exponential back-off (AMQPSettings.reconnectMinDelay … MaxDelay,
//   ±10% jitter); one warning per outage, one notice when it is back. With several endpoints
//   (ConnectionSupervisor) an attempt tries each node once, in turn, starting with the node
//   after the one just lost (the first at start); the back-off applies between whole rounds. The client re-enters
//   confirm mode (delivery tags restart at 1) and re-declares its queues lazily; the consumer
//   re-declares, re-qos's, re-consumes and bumps its epoch. Channel-level errors (404, 406, a
//   consumer cancelled because its queue was deleted, an ack with an unknown tag) reopen only
//   the channel (a new channel number, so late frames of the old one are ignored).
//
// Publishing
//   The batch is pipelined (window: AMQPPublishPolicy.maxOutstanding / maxOutstandingBytes),
//   confirms are read as they come (basic.ack/nack with `multiple`), basic.return is matched to
//   its message by message_id (else the earliest unsettled message with the same exchange and
//   routing key) and turns the later ack into `.returned`. A named exchange is checked with a
//   passive declare first, because a publish to a missing exchange closes the channel without
//   saying which message caused it. When the connection breaks or no confirm arrives for
//   `confirmTimeout`, the unconfirmed messages are republished on a new connection (same
//   message_id: at-least-once) within `maxAttempts` / `retryWindow`; the rest is `.failed`.
//
// Memory
//   Everything is copied out of rabbitmq-c memory before amqp_maybe_release_buffers /
//   amqp_destroy_envelope; empty bodies (len 0, possibly NULL) are handled; outgoing C
//   structures live in a per-call malloc arena (CArena).
//
// Known limits
//   - A broker that blocks publishers (connection.blocked, resource alarm) stops reading the
//     socket; a publish already writing can then only end when the broker unblocks or the
//     connection dies. Before writing, the client waits (≤ confirmTimeout) for an unblock.
//   - TLS is tested end to end through a socat TLS proxy in front of the broker (the test
//     broker has no TLS listener), not against RabbitMQ's own TLS listener.
//   - rabbitmq-c 0.11 does not load OpenSSL's default trust store; without `cacertfile` the
//     system bundle (/etc/ssl/certs/ca-certificates.crt) is used when peer verification is on.
