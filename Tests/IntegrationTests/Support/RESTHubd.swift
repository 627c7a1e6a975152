import AsyncHTTPClient
import Foundation
import NIOCore
import RESTBridge
import Synchronization

/// A real `hubd serve` with its REST API on loopback, a local token issuer, and a client
/// that signs each request with a DPoP proof as HelseID clients do.
final class RESTHubd: @unchecked Sendable {
    let parties: TestParties
    let process: HubdProcess
    let port: Int
    let authority: LocalAuthority
    let key: DPoPKey
    var http: HTTPClient { .shared }

    var base: String { "http://127.0.0.1:\(port)" }

    init(parties: TestParties, overrides: [String: String] = [:]) async throws {
        self.parties = parties
        let directory = try TestEnvironment.temporaryDirectory()
        authority = try LocalAuthority.create(in: directory.appendingPathComponent("auth"), issuer: "hubd-test")
        key = try DPoPKey.generate()
        port = try Self.freePort()
        var settings = [
            "HUBD_HTTP_ADDRESS": "127.0.0.1:\(port)",
            "HUBD_AUTH_JWKS": directory.appendingPathComponent("auth/\(LocalAuthority.jwksName)").path,
            "HUBD_AUTH_ISSUER": "hubd-test",
        ]
        settings.merge(overrides) { $1 }
        process = try HubdProcess(parties: parties, overrides: settings)
    }

    deinit {
        process.kill()
    }

    /// Starts hubd and waits until its API answers. The answer counts only once this process
    /// has logged that it listens on the port: another server there (a port taken meanwhile)
    /// would answer for a hubd that failed to start.
    func start() async throws {
        let before = process.log.count
        try await process.start()
        let listening = "listening on 127.0.0.1:\(port)"
        let up = await eventually(timeout: .seconds(60)) {
            // A hubd that exited is reported at once, not after the whole wait.
            guard self.process.isRunning else { return true }
            guard self.process.log.dropFirst(before).contains(listening) else { return false }
            return (try? await self.request("GET", "/healthz", token: nil).status) == 200
        }
        guard up, process.isRunning else { throw RESTHubdError("hubd's API did not come up on port \(port):\n\(process.log)") }
    }

    /// A DPoP-bound token for these parties.
    func token(_ herIds: [Int], now: Date = Date()) async throws -> String {
        try await authority.token(herIds: herIds, dpopKey: key, now: now)
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One request; with a token, signed with a fresh DPoP proof for its method and URL.
    func request(
        _ method: String, _ path: String, json: Any? = nil, token: String?, headers: [String: String] = [:],
        body: Data? = nil, timeout: TimeAmount = .seconds(30)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if let token {
            request.headers.add(name: "Authorization", value: "DPoP \(token)")
            request.headers.add(name: "DPoP", value: try await key.proof(method: method, url: base + path, accessToken: token, now: Date()))
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await http.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 32 * 1024 * 1024)
        var answerHeaders: [String: String] = [:]
        for header in response.headers { answerHeaders[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: answerHeaders, body: Data(buffer: bytes))
    }

    /// Reads a server-sent event stream for `duration` and returns what arrived.
    func stream(_ path: String, token: String, headers: [String: String] = [:], for duration: Duration) async throws -> String {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "DPoP \(token)")
        request.headers.add(name: "DPoP", value: try await key.proof(method: "GET", url: base + path, accessToken: token, now: Date()))
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let received = Mutex("")
        let reader = Task {
            for try await chunk in response.body { received.withLock { $0 += String(buffer: chunk) } }
        }
        try await Task.sleep(for: duration)
        reader.cancel()
        return received.withLock { $0 }
    }

    /// `POST /messages` of an example document from `sender` to `receiver`.
    func send(_ document: [UInt8], from sender: Int, to receiver: Int, function: String? = nil, token: String) async throws -> Answer {
        var body: [String: Any] = [
            "senderHerId": sender, "receiverHerIds": [receiver], "businessDocument": Data(document).base64EncodedString(),
            "contentType": "application/xml", "contentTransferEncoding": "base64",
        ]
        if let function { body["messageTypeIdentificator"] = function }
        return try await request("POST", "/messages", json: body, token: token)
    }

    /// Ports handed out in this test process: the kernel may offer a port again once its probe
    /// socket is closed, and two servers of one test were given the same port that way.
    private static let given = Mutex<Set<Int>>([])

    /// A port nothing listens on now, and never handed out before in this test process.
    static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = try probePort()
            if given.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw RESTHubdError("no free port that was not handed out before")
    }

    private static func probePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw RESTHubdError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct RESTHubdError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension RESTHubd {
    /// Sends a request's head and the first `bytes` of its body over a plain socket and returns
    /// the status line of the answer: for checking that hubd answers an oversize body before
    /// it has read it (HTTP clients fail when the server closes while they still upload).
    func rawStatusLine(head: String, bytes: Int, timeout: Int = 10) throws -> String {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RESTHubdError("no socket") }
        defer { close(socket) }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw RESTHubdError("cannot connect to hubd") }
        let request = Array(head.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: bytes)
        _ = request.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let received = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { throw RESTHubdError("no answer from hubd") }
        return String(decoding: buffer[..<received], as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
    }
}
