import AMQPBridge
import AsyncHTTPClient
import Foundation
import Hub
import NIOCore
import RESTBridge

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
        /// `restload`'s CPU time per accepted message: the client, on the same two cores as hubd.
        var clientCPUMicrosecondsPerMessage: Double?
        /// The broker's CPU time per accepted message (it queues each one for the receiver).
        var brokerCPUMicrosecondsPerMessage: Double?
        var peakRSSBytes: Int?
    }

    /// `POST /messages` of `size`-byte documents over `connections` keep-alive connections, with
    /// DPoP-bound tokens as HelseID clients send them, as fast as hubd answers or at `rate`
    /// requests per second. The requests, proofs included, are made before the clock starts and
    /// sent by `restload`, a client in C that costs a few microseconds per request: on two
    /// shared cores a heavier client would measure itself as much as hubd.
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
        let messages = try environment.messages(size: size)
        let sink = Sink(settings: environment.amqp, queue: run.receiverQueue, logger: environment.logger)

        func body(_ index: Int) -> [UInt8] {
            Array((#"{"senderHerId":10037002,"receiverHerIds":[10037004],"contentType":"application/xml","contentTransferEncoding":"base64","businessDocument":""#
                + Data(messages.body(index, run: run.prefix)).base64EncodedString() + #""}"#).utf8)
        }
        func proof(_ now: Date) async throws -> String {
            try await key.proof(method: "POST", url: base + "/messages", accessToken: token, now: now)
        }
        // Up, and one message through before the clock starts.
        try await Self.waitUntilReady(base + "/readyz", log: run.directory)
        var warm = HTTPClientRequest(url: base + "/messages")
        warm.method = .POST
        warm.headers.add(name: "Authorization", value: "DPoP \(token)")
        warm.headers.add(name: "DPoP", value: try await proof(Date()))
        warm.headers.add(name: "Content-Type", value: "application/json")
        warm.body = .bytes(ByteBuffer(bytes: body(-1)))
        let answer = try await HTTPClient.shared.execute(warm, timeout: .seconds(30))
        guard answer.status.code == 202, await sink.collect(expected: 1, idleTimeout: .seconds(30)).received == 1 else {
            throw BenchError("hubd did not take the warm-up message over REST; see \(run.directory.path)/hubd.log")
        }
        // Proofs are valid for 60 s from their iat: made now, used within the run.
        var file: [UInt8] = []
        let now = Date()
        for index in 0..<count {
            let content = body(index)
            let request = Array(("POST /messages HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: DPoP \(token)\r\n"
                + "DPoP: \(try await proof(now))\r\nContent-Type: application/json\r\nContent-Length: \(content.count)\r\n\r\n").utf8) + content
            withUnsafeBytes(of: UInt32(request.count).littleEndian) { file.append(contentsOf: $0) }
            file.append(contentsOf: request)
        }
        let requests = run.directory.appendingPathComponent("requests")
        try Data(file).write(to: requests)
        let output = run.directory.appendingPathComponent("restload.out")
        let load = ChildProcess(
            executable: environment.restload,
            arguments: ["127.0.0.1", String(port), String(connections), requests.path] + (rate.map { [String($0)] } ?? []),
            environment: [:], log: output)
        let cpuBefore = hubd.cpuSeconds
        let brokerBefore = ProcessCPU.broker()
        try load.start()
        try await load.waitForExit()
        let cpuAfter = hubd.cpuSeconds
        let brokerAfter = ProcessCPU.broker()
        let sent = try RESTLoadOutput.read(output)
        let delivered = await sink.collect(expected: sent.accepted, idleTimeout: .seconds(30)).received
        let perAccepted = { (seconds: Double) in seconds / Double(max(1, sent.accepted)) * 1e6 }
        let result = RESTResult(
            messages: count, accepted: sent.accepted, delivered: delivered, seconds: sent.seconds,
            throughput: sent.seconds > 0 ? Double(sent.accepted) / sent.seconds : 0,
            p50: sent.p50, p95: sent.p95, p99: sent.p99,
            rate: rate,
            hubdCPUMicrosecondsPerMessage: both(cpuBefore, cpuAfter).map { perAccepted($1 - $0) },
            clientCPUMicrosecondsPerMessage: perAccepted(sent.cpuSeconds),
            brokerCPUMicrosecondsPerMessage: perAccepted(brokerAfter - brokerBefore),
            peakRSSBytes: hubd.peakRSS)
        await sink.close()
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

/// What `restload` prints at the end of a run.
private struct RESTLoadOutput: Decodable {
    var accepted: Int
    var seconds: Double
    var cpuSeconds: Double
    var p50: Double
    var p95: Double
    var p99: Double

    /// The last line of `restload`'s output file (its errors, if any, come before it).
    static func read(_ file: URL) throws -> RESTLoadOutput {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let line = text.split(separator: "\n").last,
              let output = try? JSONDecoder().decode(RESTLoadOutput.self, from: Data(line.utf8)) else {
            throw BenchError("restload printed no result; see \(file.path)")
        }
        return output
    }
}

func both(_ first: Double?, _ second: Double?) -> (Double, Double)? {
    guard let first, let second else { return nil }
    return (first, second)
}
