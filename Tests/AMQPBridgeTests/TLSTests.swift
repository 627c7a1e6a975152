import AMQPBridge
import ClusterTestSupport
import Foundation
import Testing

/// amqps:// end to end. The test broker has no TLS listener, so TLS is terminated by socat
/// (a dependency of the rabbitmq-server package) in front of it, with a throw-away CA and
/// certificates made by the openssl CLI. This exercises rabbitmq-c's OpenSSL socket,
/// CA loading, peer and host-name verification and client certificates; it does not test
/// RabbitMQ's own TLS listener configuration.
@Suite("AMQP over TLS (socat TLS proxy)", .serialized, .timeLimit(.minutes(3)))
final class TLSTests {
    let dir: URL
    let brokerSettings: AMQPSettings

    init() async throws {
        try TestBroker.require()
        brokerSettings = try TestBroker.settings()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-amqp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(dir.path)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=hubd test CA' \
              -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 2 -subj '/CN=other CA' \
              -addext 'basicConstraints=critical,CA:TRUE' 2>/dev/null
            for who in server client; do
              openssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj "/CN=$who" 2>/dev/null
            done
            printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > server.ext
            printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=clientAuth\\n' > client.ext
            for who in server client; do
              openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $who.pem -days 2 \
                -extfile $who.ext 2>/dev/null
            done
            """
        let (status, output) = await TestProcess.run("/bin/bash", ["-c", script])
        try #require(status == 0, "openssl failed: \(output)")
    }

    deinit {
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ f: String) -> String { dir.appendingPathComponent(f).path }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Runs `body` with `socat` terminating TLS on a free port and forwarding to the broker.
    private func withProxy(requireClientCert: Bool = false, _ body: (Int) async throws -> Void) async throws {
        let port = Self.freePort()
        var tls = "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(path("server.pem")),key=\(path("server.key"))"
        tls += requireClientCert ? ",verify=1,cafile=\(path("ca.pem"))" : ",verify=0"
        let socat = try await ChildProcess.start("/usr/bin/env",
                                                 ["socat", tls, "TCP:\(brokerSettings.host):\(brokerSettings.port)"])
        do {
            let up = await eventually(timeout: .seconds(5)) { TestBroker.tcpReachable(host: "127.0.0.1", port: port) }
            try #require(up && socat.isRunning, "socat did not start (is the socat package installed?)")
            try await body(port)
        } catch {
            await socat.stop()
            throw error
        }
        await socat.stop()
    }

    private func url(_ host: String, _ port: Int, _ query: String) -> String {
        "amqps://\(brokerSettings.user):\(brokerSettings.password)@\(host):\(port)/?\(query)"
    }

    @Test func publishAndConsumeOverTLS() async throws {
        try await withProxy { port in try await publishAndConsume(port: port) }
    }

    private func publishAndConsume(port: Int) async throws {
        var settings = try AMQPSettings(url: url("localhost", port, "cacertfile=\(path("ca.pem"))"))
        settings.vhost = brokerSettings.vhost
        #expect(settings.useTLS && settings.verifyPeer && settings.verifyHostname)
        let queue = TestBroker.uniqueQueue("tls")
        let client = AMQPClient(settings: settings, name: "test-tls", logger: TestBroker.logger)
        let n = 300
        let bodies = (0..<n).map { i in (0..<(i * 97 % 40_000)).map { UInt8(truncatingIfNeeded: $0 ^ i) } }
        let outcomes = await client.publish((0..<n).map { message(to: queue, id: "tls-\($0)", body: bodies[$0]) },
                                            declaring: .durable)
        #expect(outcomes.allSatisfy { $0 == .confirmed }, "\(Set(outcomes.map { "\($0)" }))")
        #expect(client.isConnected)

        let consumer = AMQPConsumer(settings: settings, queue: queue, prefetch: 100, maxBatch: 50, logger: TestBroker.logger)
        let collector = Collector(consumer, autoAck: true)  // prefetch 100 < n: must ack as it goes
        let t0 = ContinuousClock.now
        let got = await collector.wait(for: n, timeout: .seconds(30))
        let elapsed = ContinuousClock.now - t0
        #expect(got.count == n)
        #expect(got.map { $0.properties.messageId } == (0..<n).map { "tls-\($0)" })
        let same = got.map(\.body) == bodies
        #expect(same, "bodies differ")
        #expect(elapsed < .seconds(5), "TLS consumption stalled: \(elapsed)")
        await consumer.close()
        await collector.finished()
        print("tls: consumed \(got.count) messages through the TLS proxy in \(elapsed)")
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func clientCertificate() async throws {
        try await withProxy(requireClientCert: true) { port in try await clientCertificate(port: port) }
    }

    private func clientCertificate(port: Int) async throws {
        let withCert = try AMQPSettings(url: url("localhost", port,
            "cacertfile=\(path("ca.pem"))&certfile=\(path("client.pem"))&keyfile=\(path("client.key"))"))
        let client = AMQPClient(settings: withCert, name: "test-mtls", logger: TestBroker.logger)
        let queue = TestBroker.uniqueQueue("mtls")
        #expect(try await client.declareQueue(queue) == .declared)
        try await client.deleteQueue(queue)
        await client.close()

        let without = try AMQPSettings(url: url("localhost", port, "cacertfile=\(path("ca.pem"))"))
        let refused = AMQPClient(settings: without, name: "test-mtls-nocert", logger: TestBroker.logger)
        await #expect(throws: AMQPError.self) { _ = try await refused.messageCount(queue: queue) }
        await refused.close()
    }

    @Test func verificationFailuresAreTLSErrors() async throws {
        try await withProxy { port in try await verificationFailures(port: port) }
    }

    private func verificationFailures(port: Int) async throws {
        func attempt(_ host: String, _ query: String) async -> AMQPError? {
            do {
                let s = try AMQPSettings(url: url(host, port, query))
                let c = AMQPClient(settings: s, name: "test-tls-verify", logger: TestBroker.logger)
                defer { Task { await c.close() } }
                _ = try await c.messageCount(queue: "hubd.test.tls-verify")
                return nil
            } catch {
                return error
            }
        }
        // Wrong CA.
        let wrongCA = await attempt("localhost", "cacertfile=\(path("other-ca.pem"))")
        guard case .tls = wrongCA else { Issue.record("wrong CA: expected .tls, got \(String(describing: wrongCA))"); return }
        // Right CA, but the certificate is for 'localhost', not '127.0.0.1'.
        let wrongHost = await attempt("127.0.0.1", "cacertfile=\(path("ca.pem"))")
        guard case .tls = wrongHost else { Issue.record("host name: expected .tls, got \(String(describing: wrongHost))"); return }
        // Host-name check off: accepted (the missing queue gives a 404 from the broker).
        let noHostCheck = await attempt("127.0.0.1", "cacertfile=\(path("ca.pem"))&verify_hostname=false")
        #expect(noHostCheck == .queueNotFound("hubd.test.tls-verify"))
        // verify_none: no CA needed.
        let none = await attempt("localhost", "verify=verify_none")
        #expect(none == .queueNotFound("hubd.test.tls-verify"))
        // Missing CA file.
        let missing = await attempt("localhost", "cacertfile=/nonexistent/ca.pem")
        guard case .tls(let why) = missing else { Issue.record("missing CA: expected .tls, got \(String(describing: missing))"); return }
        #expect(why.contains("/nonexistent/ca.pem"))
        // TLS against the plain AMQP port: a handshake failure, not a hang.
        let plain = try AMQPSettings(url: "amqps://\(brokerSettings.user):\(brokerSettings.password)@\(brokerSettings.host):\(brokerSettings.port)/?verify=verify_none")
        let c = AMQPClient(settings: plain, name: "test-tls-plain", logger: TestBroker.logger)
        let started = ContinuousClock.now
        await #expect(throws: AMQPError.self) { _ = try await c.messageCount(queue: "x") }
        #expect(ContinuousClock.now - started < .seconds(8))
        await c.close()
    }
}
