import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The frames of several `basic.publish`es, encoded into one buffer and written to the socket
/// with as few system calls as the socket takes.
///
/// `amqp_basic_publish` sends each of a message's three frames (method, content header, body)
/// with a system call of its own: 3.7 % of hubd's CPU in the steady state, 4.8 % at half the
/// rate (docs/performance.md). Here the frames are encoded by rabbitmq-c's own encoders
/// (`amqp_encode_method`, `amqp_encode_properties`) and framed as rabbitmq-c frames them, so
/// the bytes on the wire are the ones `amqp_basic_publish` would write; only the writing is
/// batched. Plain TCP only: over TLS the socket belongs to the TLS library.
///
/// Nothing else may write to the connection while frames are held here, rabbitmq-c included
/// (it sends heartbeats while waiting for a frame), so the publisher flushes before every call
/// into rabbitmq-c. A failed or timed-out flush may have written part of a frame: the
/// connection must then be dropped, which the caller does for every error but a channel's.
/// Not Sendable: one publisher thread uses it.
final class PublishFrames {
    private let socket: Int32
    private let timeout: Duration
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0

    /// Bodies up to this size are copied in; a larger one is published by rabbitmq-c after a
    /// flush, so that a large message is never copied a second time.
    static let largestBody = 64 * 1024
    /// Frames are written once this many bytes are held.
    static let flushThreshold = 256 * 1024
    /// AMQP 0-9-1 frame header (type, channel, size) and end marker.
    private static let frameHeader = 7
    private static let frameEnd: UInt8 = 206

    /// Frames for `socket`, a plain TCP socket; a flush that cannot write for `timeout` fails.
    init(socket: Int32, timeout: Duration) {
        self.socket = socket
        self.timeout = timeout
        capacity = 64 * 1024
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// Appends the frames of one publish of `message` on `channel`, writing what is held first
    /// when the buffer is full. `message` has passed `encodingProblem(frameMax:)`.
    func append(_ message: AMQPOutboundMessage, channel: amqp_channel_t, frameMax: Int) throws(AMQPError) {
        if count >= Self.flushThreshold { try flush() }
        // A message is held whole or not at all.
        let start = count
        do {
            try encode(message, channel: channel, frameMax: frameMax)
        } catch {
            count = start
            throw error
        }
    }

    private func encode(_ message: AMQPOutboundMessage, channel: amqp_channel_t, frameMax: Int) throws(AMQPError) {
        let arena = CArena()
        var method = amqp_basic_publish_t(
            ticket: 0, exchange: arena.bytes(message.exchange), routing_key: arena.bytes(message.routingKey),
            mandatory: message.mandatory ? 1 : 0, immediate: 0)
        // The method id, then the arguments: a short, two short strings and the flag bits.
        let argumentsRoom = 2 + 2 * (1 + AMQPOutboundMessage.shortStringLimit) + 1
        try frame(type: UInt8(AMQP_FRAME_METHOD), channel: channel, maximum: 4 + argumentsRoom) { payload throws(AMQPError) in
            payload.storeBytes(of: AMQP_BASIC_PUBLISH_METHOD.bigEndian, as: UInt32.self)
            let encoded = amqp_encode_method(AMQP_BASIC_PUBLISH_METHOD, &method, amqp_bytes_t(len: argumentsRoom, bytes: payload + 4))
            guard encoded >= 0 else { throw .invalidArgument("basic.publish: \(CStatus.text(encoded))") }
            return 4 + Int(encoded)
        }
        var properties = arena.properties(message.properties)
        let body = message.body
        // Class, weight and body size (12 bytes), the flag words, then the properties.
        let propertiesRoom = 2 * 2 + message.properties.encodedSize
        try frame(type: UInt8(AMQP_FRAME_HEADER), channel: channel, maximum: 12 + propertiesRoom) { payload throws(AMQPError) in
            payload.storeBytes(of: UInt16(AMQP_BASIC_CLASS).bigEndian, as: UInt16.self)
            payload.storeBytes(of: UInt16(0), toByteOffset: 2, as: UInt16.self)
            payload.storeBytes(of: UInt64(body.count).bigEndian, toByteOffset: 4, as: UInt64.self)
            let encoded = amqp_encode_properties(
                UInt16(AMQP_BASIC_CLASS), &properties, amqp_bytes_t(len: propertiesRoom, bytes: payload + 12))
            guard encoded >= 0 else { throw .invalidArgument("content header: \(CStatus.text(encoded))") }
            return 12 + Int(encoded)
        }
        let largestFragment = frameMax - Self.frameHeader - 1
        guard largestFragment > 0 else { throw .protocolError("frame_max \(frameMax) leaves no room for a body") }
        var offset = 0
        while offset < body.count {
            let fragment = min(largestFragment, body.count - offset)
            try frame(type: UInt8(AMQP_FRAME_BODY), channel: channel, maximum: fragment) { payload in
                body.withUnsafeBytes { bytes in
                    if let base = bytes.baseAddress { payload.copyMemory(from: base + offset, byteCount: fragment) }
                }
                return fragment
            }
            offset += fragment
        }
    }

    /// Writes every frame held; returns when all are on the socket.
    func flush() throws(AMQPError) {
        guard count > 0 else { return }
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < count {
            let sent = send(socket, buffer + offset, count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if sent > 0 {
                offset += sent
                continue
            }
            let error = errno
            if sent < 0 && error == EINTR { continue }
            guard sent < 0, error == EAGAIN || error == EWOULDBLOCK else {
                throw .socket("publishing: \(sent == 0 ? "the socket took nothing" : String(cString: strerror(error)))")
            }
            let left = deadline - .now
            guard left > .zero else {
                throw .timeout("the broker took no publishes for \(timeout); \(count - offset) bytes left to write")
            }
            var ready = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            _ = poll(&ready, 1, Int32(clamping: Int((left / .milliseconds(1)).rounded(.up))))
        }
        count = 0
    }

    /// Appends one frame whose payload `write` fills (at most `maximum` bytes) and measures.
    private func frame(
        type: UInt8, channel: amqp_channel_t, maximum: Int, _ write: (UnsafeMutableRawPointer) throws(AMQPError) -> Int
    ) throws(AMQPError) {
        reserve(Self.frameHeader + maximum + 1)
        let start = buffer + count
        let size = try write(start + Self.frameHeader)
        start.storeBytes(of: type, as: UInt8.self)
        start.storeBytes(of: channel.bigEndian, toByteOffset: 1, as: UInt16.self)
        start.storeBytes(of: UInt32(size).bigEndian, toByteOffset: 3, as: UInt32.self)
        start.storeBytes(of: Self.frameEnd, toByteOffset: Self.frameHeader + size, as: UInt8.self)
        count += Self.frameHeader + size + 1
    }

    private func reserve(_ bytes: Int) {
        guard count + bytes > capacity else { return }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: max(capacity * 2, count + bytes), alignment: 16)
        grown.copyMemory(from: buffer, byteCount: count)
        buffer.deallocate()
        buffer = grown
        capacity = max(capacity * 2, count + bytes)
    }
}
