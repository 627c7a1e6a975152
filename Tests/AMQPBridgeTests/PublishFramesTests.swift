import Foundation
import Testing
@testable import AMQPBridge
#if canImport(Glibc)
import Glibc
#endif

/// The framing of batched publishes. What the broker makes of them (every property, header and
/// body byte for byte, mixed with publishes rabbitmq-c writes itself) is checked against a real
/// broker in `BrokerTests.publish500PersistentThenConsumeByteIdentical`.
@Suite("Publish frames written in batches", .timeLimit(.minutes(1)))
struct PublishFramesTests {
    /// A frame as read back: type, channel and payload, after checking its size and end marker.
    struct Frame {
        var type: UInt8
        var channel: UInt16
        var payload: [UInt8]
    }

    static func frames(_ bytes: [UInt8]) throws -> [Frame] {
        var frames: [Frame] = []
        var offset = 0
        while offset < bytes.count {
            try #require(bytes.count - offset >= 8, "a frame is cut short at \(offset)")
            let size = Int(bytes[offset + 3]) << 24 | Int(bytes[offset + 4]) << 16 | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6])
            try #require(offset + 7 + size < bytes.count, "frame at \(offset) runs past the end")
            #expect(bytes[offset + 7 + size] == 206, "frame at \(offset) lacks its end marker")
            frames.append(Frame(
                type: bytes[offset], channel: UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset + 2]),
                payload: Array(bytes[(offset + 7)..<(offset + 7 + size)])))
            offset += 8 + size
        }
        return frames
    }

    /// What `fill` appends to a `PublishFrames`, flushed to one end of a socket pair and read
    /// from the other.
    static func written(_ fill: (PublishFrames) throws -> Void) throws -> [UInt8] {
        var sockets: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0)
        defer { close(sockets[0]); close(sockets[1]) }
        let frames = PublishFrames(socket: sockets[0], timeout: .seconds(5))
        try fill(frames)
        try frames.flush()
        #expect(frames.count == 0)
        // Everything is in the socket's buffer now: read until nothing is left.
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = chunk.withUnsafeMutableBytes { recv(sockets[1], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard got > 0 else { break }
            received += chunk.prefix(got)
        }
        return received
    }

    static func message(queue: String, body: [UInt8]) -> AMQPOutboundMessage {
        AMQPOutboundMessage(
            routingKey: queue, mandatory: true,
            properties: AMQPProperties(messageId: "m-1", deliveryMode: 2, headers: ["fromHerId": .string("8142987")]),
            body: body)
    }

    @Test("Method, content header and body frames, the body split at the frame size")
    func framing() throws {
        let body = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let read = try Self.frames(Self.written {
            try $0.append(Self.message(queue: "8142987_async", body: body), channel: 3, frameMax: 4096)
        })

        #expect(read.map(\.type) == [1, 2, 3, 3, 3])
        #expect(read.allSatisfy { $0.channel == 3 })
        // basic.publish (60, 40), ticket 0, exchange "", routing key, mandatory.
        let queue = Array("8142987_async".utf8)
        #expect(read[0].payload == [0, 60, 0, 40, 0, 0, 0, UInt8(queue.count)] + queue + [1])
        // Class 60, weight 0, the body's size; then the properties.
        #expect(Array(read[1].payload.prefix(12)) == [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0x27, 0x10])
        // The flags of headers, delivery mode and message id; the table (one long string), 2,
        // and the id.
        let header: [UInt8] = [0x30, 0x80, 0, 0, 0, 22, 9] + Array("fromHerId".utf8) + [UInt8(ascii: "S"), 0, 0, 0, 7]
            + Array("8142987".utf8) + [2, 3] + Array("m-1".utf8)
        #expect(Array(read[1].payload.dropFirst(12)) == header)
        #expect(read[2...].map(\.payload.count) == [4088, 4088, 1824])
        #expect(read[2...].flatMap(\.payload) == body)
    }

    @Test("An empty body has no body frame")
    func emptyBody() throws {
        let read = try Self.frames(Self.written {
            try $0.append(Self.message(queue: "q", body: []), channel: 1, frameMax: 131_072)
        })
        #expect(read.map(\.type) == [1, 2])
        #expect(Array(read[1].payload[4..<12]) == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("A flush writes every frame held, in order")
    func flushWritesAll() throws {
        let read = try Self.frames(Self.written { frames in
            for index in 0..<3 {
                try frames.append(Self.message(queue: "q\(index)", body: Array(repeating: UInt8(index), count: 100)), channel: 1, frameMax: 131_072)
            }
        })
        #expect(read.map(\.type) == [1, 2, 3, 1, 2, 3, 1, 2, 3])
        #expect(read.filter { $0.type == 3 }.map(\.payload) == (0..<3).map { Array(repeating: UInt8($0), count: 100) })
    }

    @Test("A peer that reads nothing makes a flush time out instead of hanging")
    func flushTimesOut() throws {
        var sockets: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0)
        defer { close(sockets[0]); close(sockets[1]) }
        let frames = PublishFrames(socket: sockets[0], timeout: .milliseconds(200))
        let body = [UInt8](repeating: 7, count: 60_000)
        // Far more than a socket buffer holds; the buffer flushes itself as it fills.
        let error = #expect(throws: AMQPError.self) {
            for _ in 0..<400 { try frames.append(Self.message(queue: "q", body: body), channel: 1, frameMax: 131_072) }
            try frames.flush()
        }
        guard case .timeout? = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
    }
}
