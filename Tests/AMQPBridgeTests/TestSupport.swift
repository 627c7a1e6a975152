import AMQPBridge
import ClusterTestSupport
import Foundation
import Logging
import Synchronization
import Testing

enum TestBroker {
    static var url: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5682/"
    }

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var script: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_BROKER_SCRIPT"]
            ?? repoRoot.appendingPathComponent("scripts/broker").path
    }

    /// Settings for the test broker, with quick reconnects and short timeouts.
    static func settings(port: Int? = nil) throws -> AMQPSettings {
        var s = try AMQPSettings(url: url)
        if let port { s.port = port }
        s.reconnectMinDelay = .milliseconds(100)
        s.reconnectMaxDelay = .seconds(2)
        s.heartbeat = .seconds(10)
        return s
    }

    /// Broker tests must fail (not skip) when the broker is unreachable.
    static func require(port: Int? = nil) throws {
        let s = try settings(port: port)
        guard tcpReachable(host: s.host, port: s.port) else {
            throw BrokerUnavailable(address: s.address)
        }
    }

    struct BrokerUnavailable: Error, CustomStringConvertible {
        let address: String
        var description: String {
            "test broker \(address) is not reachable: start it with scripts/broker start "
                + "(or set HUBD_TEST_AMQP_URL)"
        }
    }

    static func tcpReachable(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else { return false }
        defer { freeaddrinfo(res) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd >= 0 {
                let ok = connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0
                close(fd)
                if ok { return true }
            }
            ai = a.pointee.ai_next
        }
        return false
    }

    static func uniqueQueue(_ what: String) -> String {
        "hubd.test.\(what).\(UUID().uuidString.lowercased())"
    }

    static let logger: Logger = {
        var l = Logger(label: "AMQPBridgeTests")
        l.logLevel = ProcessInfo.processInfo.environment["HUBD_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .notice
        return l
    }()

    /// Runs the broker script (it blocks for seconds) on a thread of its own.
    static func runScript(_ args: [String], env extra: [String: String] = [:]) async -> (status: Int32, output: String) {
        await TestProcess.run("/bin/bash", [script] + args, env: extra)
    }
}

/// A background child process (e.g. socat) started with a clean signal mask.
final class ChildProcess: Sendable {
    let pid: pid_t

    private init(pid: pid_t) { self.pid = pid }

    static func start(_ exe: String, _ args: [String]) async throws -> ChildProcess {
        let r: Result<pid_t, any Error> = await TestProcess.onCleanThread {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            do {
                try p.run()
                return .success(p.processIdentifier)
            } catch {
                return .failure(error)
            }
        }
        return ChildProcess(pid: try r.get())
    }

    var isRunning: Bool {
        kill(pid, 0) == 0 && !((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") ?? true)
    }

    /// SIGTERMs the direct children of this process (socat's per-connection forks), which
    /// cuts their connections. Returns how many were signalled.
    func killChildren() -> Int {
        var count = 0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for e in entries {
            guard let child = pid_t(e),
                  let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // "pid (comm) state ppid ..."
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, pid_t(fields[1]) == pid, fields[0] != "Z" else { continue }
            if kill(child, SIGTERM) == 0 { count += 1 }
        }
        return count
    }

    /// SIGTERM, then SIGKILL after 2 s. Only for processes this test started.
    func stop() async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let gone = await eventually(timeout: .seconds(2)) { !self.isRunning }
        if !gone { kill(pid, SIGKILL) }
        // Reap it (Foundation may have done so already; then this just fails).
        for _ in 0..<100 {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || r == -1 { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Collects what a consumer yields, on a task of its own, so that tests can wait with a
/// deadline without cancelling the stream (cancelling an AsyncStream iteration ends it).
final class Collector: Sendable {
    private final class Box: Sendable {
        let state = Mutex<(deliveries: [AMQPDelivery], batches: Int)>(([], 0))
    }
    private let box = Box()
    private let task: Task<Void, Never>

    /// With `autoAck`, each batch is acknowledged (ack multiple) as soon as it is recorded.
    init(_ consumer: AMQPConsumer, autoAck: Bool = false) {
        let stream = consumer.batches()
        let box = self.box
        task = Task {
            for await batch in stream {
                box.state.withLock { $0.deliveries.append(contentsOf: batch); $0.batches += 1 }
                if autoAck, let last = batch.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
            }
        }
    }

    var deliveries: [AMQPDelivery] { box.state.withLock { $0.deliveries } }
    var count: Int { box.state.withLock { $0.deliveries.count } }
    var batchCount: Int { box.state.withLock { $0.batches } }

    func clear() { box.state.withLock { $0.deliveries.removeAll() } }

    /// Waits until at least `n` deliveries have arrived or the timeout passes.
    @discardableResult
    func wait(for n: Int, timeout: Duration = .seconds(10)) async -> [AMQPDelivery] {
        let deadline = ContinuousClock.now + timeout
        while count < n && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return deliveries
    }

    /// Waits for the stream to finish.
    func finished() async { await task.value }
}

func message(to queue: String, id: String = UUID().uuidString, body: [UInt8] = Array("hello".utf8),
             headers: [String: AMQPFieldValue] = [:], mandatory: Bool = true) -> AMQPOutboundMessage {
    AMQPOutboundMessage(routingKey: queue, mandatory: mandatory,
                        properties: AMQPProperties(messageId: id, contentType: "application/xml", deliveryMode: 2,
                                                   headers: headers),
                        body: body)
}

/// Poll an async condition until it holds or the timeout passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}

/// Compares bodies without dumping megabytes into the test log on failure.
func sameBytes(_ a: [UInt8]?, _ b: [UInt8]?) -> Bool { a == b }

func describeBodies(_ a: [UInt8]?, _ b: [UInt8]?) -> String {
    guard let a, let b else { return "one body is missing" }
    let firstDiff = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    return "bodies differ: \(a.count) vs \(b.count) bytes, first difference at \(firstDiff.map(String.init) ?? "the end")"
}
