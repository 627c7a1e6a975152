// One rabbitmq-c connection. NOT Sendable: created, used and destroyed on one thread.

import CRabbitMQ
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A frame read from the connection, copied out of rabbitmq-c memory where needed.
enum InboundEvent {
    case basicAck(channel: UInt16, tag: UInt64, multiple: Bool)
    case basicNack(channel: UInt16, tag: UInt64, multiple: Bool)
    case basicReturn(channel: UInt16, code: Int, text: String, exchange: String, routingKey: String,
                     messageId: String?)
    case basicCancel(channel: UInt16, consumerTag: String)
    case channelClosed(channel: UInt16, code: Int, text: String)
    case blocked(String)
    case unblocked
    case other(channel: UInt16, method: UInt32)
}

final class AMQPConnection {
    let settings: AMQPSettings
    let name: String
    private(set) var state: amqp_connection_state_t?
    private(set) var channel: amqp_channel_t = 0
    private(set) var channelOpen = false
    private var lastChannel: amqp_channel_t = 0
    private var channelMax: Int = 2047
    /// Set when the broker sent connection.blocked (resource alarm).
    var blockedReason: String?

    private init(settings: AMQPSettings, name: String, state: amqp_connection_state_t) {
        self.settings = settings
        self.name = name
        self.state = state
        let cm = Int(amqp_get_channel_max(state))
        channelMax = cm > 0 ? min(cm, 65535) : 65535
    }

    deinit {
        if let state {
            amqp_destroy_connection(state)
        }
    }

    var isOpen: Bool { state != nil }

    /// The negotiated largest frame, which bounds a message's properties and headers.
    var frameMax: Int {
        guard let state else { return 0 }
        return Int(amqp_get_frame_max(state))
    }

    var socketFD: Int32 {
        guard let state else { return -1 }
        return amqp_get_sockfd(state)
    }

    /// rabbitmq-c has decoded-but-unread frames or unparsed bytes in its own buffer
    /// (invisible to poll(2) on the socket).
    var hasBufferedInput: Bool {
        guard let state else { return false }
        return amqp_data_in_buffer(state) != 0 || amqp_frames_enqueued(state) != 0
    }

    // MARK: Open

    static func connect(settings: AMQPSettings, name: String) throws(AMQPError) -> AMQPConnection {
        _ = ignoreSIGPIPEOnce
        let address = settings.address
        guard let st = amqp_new_connection() else { throw .socket("out of memory") }
        var ok = false
        defer { if !ok { amqp_destroy_connection(st) } }

        let sock: OpaquePointer?
        if settings.useTLS {
            sock = amqp_ssl_socket_new(st)
            guard let sock else { throw .tls("cannot create a TLS socket") }
            var ca = settings.caCertPath
            if ca == nil, settings.verifyPeer {
                // rabbitmq-c 0.11 does not load OpenSSL's default trust store; use the system bundle.
                for candidate in ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                                  "/etc/ssl/cert.pem"] where access(candidate, R_OK) == 0 {
                    ca = candidate
                    break
                }
            }
            if let ca {
                let rc = amqp_ssl_socket_set_cacert(sock, ca)
                guard rc == AMQP_STATUS_OK.rawValue else {
                    throw .tls("cannot load CA certificates from \(ca): \(CStatus.text(rc))")
                }
            }
            switch (settings.certPath, settings.keyPath) {
            case (let cert?, let key?):
                let rc = amqp_ssl_socket_set_key(sock, cert, key)
                guard rc == AMQP_STATUS_OK.rawValue else {
                    throw .tls("cannot load client certificate \(cert) / key \(key): \(CStatus.text(rc))")
                }
            case (nil, nil): break
            default: throw .tls("a client certificate needs both certfile and keyfile")
            }
            amqp_ssl_socket_set_verify_peer(sock, settings.verifyPeer ? 1 : 0)
            amqp_ssl_socket_set_verify_hostname(sock, settings.verifyHostname ? 1 : 0)
        } else {
            sock = amqp_tcp_socket_new(st)
            guard sock != nil else { throw .socket("cannot create a TCP socket") }
        }

        var tv = settings.connectTimeout.asTimeval
        errno = 0
        let rc = amqp_socket_open_noblock(sock, settings.host, Int32(settings.port), &tv)
        if rc != AMQP_STATUS_OK.rawValue {
            // rabbitmq-c 0.11 drops the SO_ERROR of a failed non-blocking connect; errno is
            // then a stale EINPROGRESS and says nothing.
            let e = errno
            let sys = (e != 0 && e != EINPROGRESS) ? String(cString: strerror(e)) : ""
            switch rc {
            case AMQP_STATUS_TIMEOUT.rawValue:
                throw .timeout("connecting to \(address) (after \(settings.connectTimeout))")
            case AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED.rawValue:
                throw .connectionRefused(address: address, detail: "cannot resolve host name '\(settings.host)'")
            case AMQP_STATUS_SSL_ERROR.rawValue, AMQP_STATUS_SSL_CONNECTION_FAILED.rawValue,
                 AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue, AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue:
                throw .tls("handshake with \(address) failed: \(CStatus.text(rc))")
            case AMQP_STATUS_SOCKET_ERROR.rawValue where sys.isEmpty:
                throw .connectionRefused(address: address,
                                         detail: "connection refused or host unreachable (is the broker running and listening there?)")
            default:
                throw .connectionRefused(address: address,
                                         detail: sys.isEmpty ? CStatus.text(rc) : "\(CStatus.text(rc)) (\(sys))")
            }
        }
        var hs = settings.connectTimeout.asTimeval
        _ = amqp_set_handshake_timeout(st, &hs)
        var rpc = settings.rpcTimeout.asTimeval
        _ = amqp_set_rpc_timeout(st, &rpc)

        let arena = CArena()
        var props = arena.table([
            "connection_name": .string(name),
            "product": "hubd AMQPBridge (rabbitmq-c)",
            "capabilities": .table([
                "connection.blocked": true,
                "consumer_cancel_notify": true,
                "publisher_confirms": true,
                "basic.nack": true,
                "authentication_failure_close": true,
            ]),
        ])
        let heartbeat = Int32(clamping: max(0, settings.heartbeat.components.seconds))
        let reply = hubd_amqp_login_plain_props(st, settings.vhost, 0, 131072, heartbeat, &props,
                                                settings.user, settings.password)
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            break
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD, let d = reply.reply.decoded {
                let m = d.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                let text = CDecode.string(m.reply_text)
                var closeOk = amqp_connection_close_ok_t(dummy: 0)
                _ = amqp_send_method(st, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &closeOk)
                if m.reply_code == 403 || m.reply_code == 530 {
                    throw .loginFailed(address: address, user: settings.user, detail: "\(m.reply_code) \(text)")
                }
                throw .connectionClosed(code: Int(m.reply_code), text: text)
            }
            throw .protocolError("unexpected method 0x\(String(reply.reply.id, radix: 16)) during login")
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            let code = reply.library_error
            switch code {
            case AMQP_STATUS_TIMEOUT.rawValue:
                throw .timeout("login to \(address)")
            case AMQP_STATUS_CONNECTION_CLOSED.rawValue, AMQP_STATUS_SOCKET_CLOSED.rawValue,
                 AMQP_STATUS_SOCKET_ERROR.rawValue:
                throw .loginFailed(address: address, user: settings.user,
                                   detail: "the broker closed the connection during login (\(CStatus.text(code)))")
            default:
                if code <= AMQP_STATUS_SSL_ERROR.rawValue && code > _AMQP_STATUS_SSL_NEXT_VALUE.rawValue {
                    throw .tls("\(address): \(CStatus.text(code))")
                }
                throw .socket("login to \(address): \(CStatus.text(code))")
            }
        default:
            throw .loginFailed(address: address, user: settings.user, detail: "the broker closed the connection")
        }
        ok = true
        return AMQPConnection(settings: settings, name: name, state: st)
    }

    // MARK: Channels

    /// Opens a fresh channel (a new number each time, so that late frames of a closed
    /// channel can never be mistaken for the new one's).
    func openChannel() throws(AMQPError) {
        guard let state else { throw .closed }
        var next = Int(lastChannel) + 1
        if next > channelMax || next > 2000 { next = 1 }
        lastChannel = amqp_channel_t(next)
        channel = lastChannel
        channelOpen = false
        _ = amqp_channel_open(state, channel)
        try checkLastReply("channel.open")
        channelOpen = true
    }

    /// Closes the channel, keeping the connection; the next `openChannel` takes a new number.
    func closeChannel() throws(AMQPError) {
        guard let state else { throw .closed }
        guard channelOpen else { return }
        channelOpen = false
        try check(amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS)), "channel.close")
    }

    func ensureChannel() throws(AMQPError) {
        if !channelOpen { try openChannel() }
    }

    // MARK: Error handling

    /// Interprets an RPC reply. On a broker channel.close it answers close-ok and marks the
    /// channel closed; on connection.close it answers close-ok and destroys the connection;
    /// on a library error it destroys the connection (its state is unknown).
    func check(_ reply: amqp_rpc_reply_t, _ what: @autoclosure () -> String) throws(AMQPError) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            throw handleServerClose(reply.reply, channel: channel, what: what())
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw libraryError(reply.library_error, what())
        default:
            destroy()
            throw .socket("\(what()): connection closed by the broker (EOF)")
        }
    }

    func checkLastReply(_ what: @autoclosure () -> String) throws(AMQPError) {
        guard let state else { throw .closed }
        try check(amqp_get_rpc_reply(state), what())
    }

    /// For calls that return a status code (publish, ack, send_method).
    func checkStatus(_ status: Int32, _ what: @autoclosure () -> String) throws(AMQPError) {
        if status == AMQP_STATUS_OK.rawValue { return }
        throw libraryError(status, what())
    }

    func libraryError(_ code: Int32, _ what: String) -> AMQPError {
        destroy()
        switch code {
        case AMQP_STATUS_TIMEOUT.rawValue:
            return .timeout("\(what) (no answer from \(settings.address) within \(settings.rpcTimeout))")
        case AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue:
            return .socket("\(what): missed heartbeats from \(settings.address); connection presumed dead")
        default:
            if code <= AMQP_STATUS_SSL_ERROR.rawValue && code > _AMQP_STATUS_SSL_NEXT_VALUE.rawValue {
                return .tls("\(what): \(CStatus.text(code))")
            }
            return .socket("\(what): \(CStatus.text(code))")
        }
    }

    /// A channel.close or connection.close method from the broker.
    func handleServerClose(_ method: amqp_method_t, channel ch: amqp_channel_t, what: String) -> AMQPError {
        guard let state else { return .closed }
        if method.id == AMQP_CHANNEL_CLOSE_METHOD, let d = method.decoded {
            let m = d.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            let text = CDecode.string(m.reply_text)
            var ok = amqp_channel_close_ok_t(dummy: 0)
            let rc = amqp_send_method(state, ch, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
            if ch == channel { channelOpen = false }
            if rc != AMQP_STATUS_OK.rawValue { destroy() }
            return .channelClosed(code: Int(m.reply_code), text: text)
        }
        if method.id == AMQP_CONNECTION_CLOSE_METHOD, let d = method.decoded {
            let m = d.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let text = CDecode.string(m.reply_text)
            var ok = amqp_connection_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
            destroy()
            return .connectionClosed(code: Int(m.reply_code), text: text)
        }
        destroy()
        return .protocolError("\(what): unexpected method 0x\(String(method.id, radix: 16))")
    }

    // MARK: Frames

    /// Reads one frame, waiting at most `timeout` (zero: only what is already available).
    /// Returns nil on timeout. Deliveries must be read with `amqp_consume_message` instead.
    func nextEvent(timeout: Duration) throws(AMQPError) -> InboundEvent? {
        guard let state else { throw .closed }
        var frame = amqp_frame_t()
        var tv = timeout.asTimeval
        let rc = amqp_simple_wait_frame_noblock(state, &frame, &tv)
        if rc == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        try checkStatus(rc, "reading from broker")
        return try interpret(frame)
    }

    /// Interprets a frame; content frames of a basic.return are read here too.
    func interpret(_ frame: amqp_frame_t) throws(AMQPError) -> InboundEvent {
        guard let state else { throw .closed }
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else {
            // A stray header/body frame (e.g. of a closed channel): ignore.
            return .other(channel: frame.channel, method: 0)
        }
        let method = frame.payload.method
        let ch = frame.channel
        switch method.id {
        case AMQP_BASIC_ACK_METHOD:
            let m = method.decoded!.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .basicAck(channel: ch, tag: m.delivery_tag, multiple: m.multiple != 0)
        case AMQP_BASIC_NACK_METHOD:
            let m = method.decoded!.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .basicNack(channel: ch, tag: m.delivery_tag, multiple: m.multiple != 0)
        case AMQP_BASIC_RETURN_METHOD:
            let m = method.decoded!.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let code = Int(m.reply_code)
            let text = CDecode.string(m.reply_text)
            let exchange = CDecode.string(m.exchange)
            let rk = CDecode.string(m.routing_key)
            // The returned message's header and body frames follow: drain them.
            var msg = amqp_message_t()
            let reply = amqp_read_message(state, ch, &msg, 0)
            var messageId: String?
            if reply.reply_type == AMQP_RESPONSE_NORMAL {
                messageId = CDecode.properties(msg.properties).messageId
                amqp_destroy_message(&msg)
            } else {
                try check(reply, "reading returned message")
            }
            return .basicReturn(channel: ch, code: code, text: text, exchange: exchange, routingKey: rk,
                                messageId: messageId)
        case AMQP_BASIC_CANCEL_METHOD:
            let m = method.decoded!.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            return .basicCancel(channel: ch, consumerTag: CDecode.string(m.consumer_tag))
        case AMQP_CHANNEL_CLOSE_METHOD:
            let err = handleServerClose(method, channel: ch, what: "channel")
            if case .channelClosed(let code, let text) = err {
                return .channelClosed(channel: ch, code: code, text: text)
            }
            throw err
        case AMQP_CONNECTION_CLOSE_METHOD:
            throw handleServerClose(method, channel: 0, what: "connection")
        case AMQP_CONNECTION_BLOCKED_METHOD:
            let m = method.decoded!.assumingMemoryBound(to: amqp_connection_blocked_t.self).pointee
            let reason = CDecode.string(m.reason)
            blockedReason = reason.isEmpty ? "resource alarm" : reason
            return .blocked(blockedReason!)
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            blockedReason = nil
            return .unblocked
        default:
            return .other(channel: ch, method: method.id)
        }
    }

    /// Sends a heartbeat frame (channel 0).
    func sendHeartbeat() throws(AMQPError) {
        guard let state else { throw .closed }
        var frame = amqp_frame_t()
        frame.frame_type = UInt8(AMQP_FRAME_HEARTBEAT)
        frame.channel = 0
        try checkStatus(amqp_send_frame(state, &frame), "sending a heartbeat")
    }

    func releaseBuffers() {
        guard let state else { return }
        amqp_maybe_release_buffers(state)
    }

    // MARK: Close

    /// Closes channel and connection politely (bounded by a short timeout), then frees.
    func closeGracefully() {
        guard let state else { return }
        var tv = min(settings.rpcTimeout, .seconds(2)).asTimeval
        _ = amqp_set_rpc_timeout(state, &tv)
        do {
            try closeChannel()
        } catch {
            destroy()
            return
        }
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        destroy()
    }

    /// Frees the connection without talking to the broker.
    func destroy() {
        guard let st = state else { return }
        state = nil
        channelOpen = false
        amqp_destroy_connection(st)
    }
}
