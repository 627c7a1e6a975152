import AMQPBridge
import AsyncHTTPClient
import Foundation
import Hub
import NIOCore
import RESTBridge
import Synchronization

extension Scenarios {
    struct RESTResult: Sendable, Codable {
        var messages: Int
        var accepted: Int
        var delivered: Int
        var seconds: Double
        /// Accepted submissions per second (202s), from the first request to the last answer.
        var throughput: Double
        /// Request latencies (send to 202), milliseconds.
        var p50: Double
        var p95: Double
        var p99: Double
        var rate: Double?
        /// hubd's CPU time (user and system) per accepted message, microseconds.
        var hubdCPUMicrosecondsPerMessage: Double?
        var peakRSSBytes: Int?
    }

    /// `POST /messages` of `size`-byte documents over `connections` keep-alive connections, with
    /// DPoP-bound tokens as HelseID clients send them (the proofs are made before the clock
    /// starts, so the client's signing is not measured; hubd's checking is). As fast as hubd
    /// answers, or at `rate` requests per second.
    func rest(size: Int, count: Int, connections: Int, rate: Double? = nil) async throws -> RESTResult {
        let run = try environment.makeRun(amqpURL: amqpURL, batch: batch)
        let client = AMQPClient(settings: environment.amqp, name: "bench producer", logger: environment.logger)
        _ = try await client.declareQueue(run.submitQueue, options: AMQPQueueOptions())
        let authority = try LocalAuthority.create(in: run.directory.appendingPathComponent("auth"), issuer: "hubbench")
        let key = try DPoPKey.generate()
        let token = try await authority.token(herIds: [10037002], dpopKey: key, now: Date())
        let port = try Self.freePort()
        var settings = run.environment
        settings["HUBD_HTTP_ADDRESS"] = "127.0.0.1:\(port)"
        settings["HUBD_AUTH_JWKS"] = authority.jwksFile.path
        settings["HUBD_AUTH_ISSUER"] = "hubbench"
        settings["HUBD_HTTP_RATE_LIMIT"] = "1000000"
        settings["HUBD_HTTP_RATE_BURST"] = "1000000"
        let hubd = ChildProcess(
            executable: environment.hubd, arguments: ["serve"], environment: settings, log: run.directory.appendingPathComponent("hubd.log"))
        try hubd.start()
        // On a failed run; a finished one stops hubd below and fails when it did not exit cleanly.
        defer { try? hubd.stop() }
        let base = "http://127.0.0.1:\(port)"
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let messages = try BenchMessages(exampleDirectory: environment.examples, size: size)
        let sink = Sink(settings: environment.amqp, queue: run.receiverQueue, logger: environment.logger)

        func request(_ index: Int, proof: String) -> HTTPClientRequest {
            var request = HTTPClientRequest(url: base + "/messages")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "DPoP \(token)")
            request.headers.add(name: "DPoP", value: proof)
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = #"{"senderHerId":10037002,"receiverHerIds":[10037004],"contentType":"application/xml","contentTransferEncoding":"base64","businessDocument":""#
                + Data(messages.body(index, run: run.prefix)).base64EncodedString() + #""}"#
            request.body = .bytes(ByteBuffer(string: body))
            return request
        }
        // Up, and one message through before the clock starts.
        try await Self.waitUntilReady(base + "/readyz", log: run.directory)
        let warm = try await http.execute(request(-1, proof: try await key.proof(method: "POST", url: base + "/messages", accessToken: token, now: Date())), timeout: .seconds(30))
        guard warm.status.code == 202, await sink.collect(expected: 1, idleTimeout: .seconds(30)).received == 1 else {
            throw BenchError("hubd did not take the warm-up message over REST; see \(run.directory.path)/hubd.log")
        }
        // Proofs are valid for 60 s from their iat: made now, used within the run.
        var requests: [HTTPClientRequest] = []
        requests.reserveCapacity(count)
        let now = Date()
        for index in 0..<count {
            requests.append(request(index, proof: try await key.proof(method: "POST", url: base + "/messages", accessToken: token, now: now)))
        }
        let cpuBefore = hubd.cpuSeconds
        let state = RESTRunState()
        let started = ContinuousClock.now
        let prepared = requests
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    while true {
                        let index = state.next.withLock { next in
                            defer { next += 1 }
                            return next
                        }
                        guard index < count else { return }
                        if let rate { try? await Task.sleep(until: started + .seconds(Double(index) / rate), clock: .continuous) }
                        let sent = ContinuousClock.now
                        let response = try? await http.execute(prepared[index], timeout: .seconds(30))
                        if response?.status.code == 202 { state.accepted.withLock { $0 += 1 } }
                        _ = try? await response?.body.collect(upTo: 64 * 1024)
                        let latency = Self.seconds(ContinuousClock.now - sent) * 1000
                        state.latencies.withLock { $0.append(latency) }
                    }
                }
            }
        }
        let seconds = Self.seconds(ContinuousClock.now - started)
        let cpuAfter = hubd.cpuSeconds
        let acceptedCount = state.accepted.withLock { $0 }
        let delivered = await sink.collect(expected: acceptedCount, idleTimeout: .seconds(30)).received
        let sorted = state.latencies.withLock { $0 }.sorted()
        let result = RESTResult(
            messages: count, accepted: acceptedCount, delivered: delivered, seconds: seconds,
            throughput: seconds > 0 ? Double(acceptedCount) / seconds : 0,
            p50: Statistics.percentile(sorted, 50), p95: Statistics.percentile(sorted, 95), p99: Statistics.percentile(sorted, 99),
            rate: rate,
            hubdCPUMicrosecondsPerMessage: both(cpuBefore, cpuAfter).map { ($1 - $0) / Double(max(1, acceptedCount)) * 1e6 },
            peakRSSBytes: hubd.peakRSS)
        await sink.close()
        try? await http.shutdown()
        try hubd.stop()
        await environment.cleanUp(run, client: client)
        await client.close()
        return result
    }

    /// The run's hubd settings with the REST API on (a local issuer in the run's folder `name`,
    /// a free port), and the API's base URL.
    func restIdle(_ run: BenchEnvironment.Run, name: String) throws -> (settings: [String: String], base: String) {
        let authority = try LocalAuthority.create(in: run.directory.appendingPathComponent(name), issuer: "hubbench")
        let port = try Self.freePort()
        var settings = run.environment
        settings["HUBD_HTTP_ADDRESS"] = "127.0.0.1:\(port)"
        settings["HUBD_AUTH_JWKS"] = authority.jwksFile.path
        settings["HUBD_AUTH_ISSUER"] = "hubbench"
        return (settings, "http://127.0.0.1:\(port)")
    }

    /// Waits until `url` (a hubd's `/readyz`) answers 200: the broker link, the store and the
    /// registry all checked. Gives up after a minute, naming the run's logs.
    static func waitUntilReady(_ url: String, log directory: URL) async throws {
        for _ in 0..<240 {
            if (try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1)).status.code) == 200 { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw BenchError("hubd did not become ready at \(url); see the logs in \(directory.path)")
    }

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw BenchError("no free port for hubd's API") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// What the senders of a REST run share.
private final class RESTRunState: Sendable {
    let next = Mutex(0)
    let accepted = Mutex(0)
    let latencies = Mutex<[Double]>([])
}

func both(_ first: Double?, _ second: Double?) -> (Double, Double)? {
    guard let first, let second else { return nil }
    return (first, second)
}
