import Crypto
import Foundation
import Hummingbird
import JWTKit
import Logging
import NIOCore
import Synchronization

/// HelseID's token endpoint on 127.0.0.1, as strict as HelseID about what hubd sends: it checks
/// every client assertion's signature (with the client's public key) and claims, and every DPoP
/// proof's signature (with the key in its header) and claims. A request without the current
/// nonce is answered `use_dpop_nonce` with a new one, as HelseID does. Tokens are
/// `token-1`, `token-2`, ..., DPoP-bound, valid for `lifetime` seconds. It also answers
/// `GET /api/v1/event` with no events, recording the credentials, as an NHN API would see them.
final class TokenEndpointDouble: Sendable {
    /// `HTTPField.Name`, reached through what Hummingbird exports.
    typealias FieldName = HTTPFields.Element.Name

    struct Seen: Sendable {
        /// Token requests that got a token.
        var tokensIssued = 0
        /// Token requests answered `use_dpop_nonce`.
        var nonceRequests = 0
        /// Every check that failed, in words; empty when hubd did everything right.
        var problems: [String] = []
        /// Each assertion's `jti`, to check none is used twice.
        var assertionIds: [String] = []
        /// `Authorization` and `DPoP` of each API call.
        var apiCalls: [(authorization: String?, dpop: String?)] = []
    }

    let clientId: String
    let publicKey: ES256PublicKey
    let keyId: String?
    /// `expires_in` as it is written in the answer (JSON number text).
    let lifetime: String
    /// What the double answers once with instead of a token, e.g. `invalid_client`.
    private let refusal: Mutex<String?>
    private let state = Mutex(Seen())
    private let nonce = Mutex("nonce-1")
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - clientKey: the client's key file (a JWK as `DPoPKey.write(to:)` writes, maybe with a `kid`).
    init(clientId: String, clientKey: URL, lifetime: String = "300", refusal: String? = nil, now: @escaping @Sendable () -> Date) throws {
        let jwk = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: clientKey))
        guard let x = jwk["x"], let y = jwk["y"] else { throw DoubleError("the client key has no x and y") }
        self.clientId = clientId
        publicKey = try ES256PublicKey(parameters: (x, y))
        keyId = jwk["kid"]
        self.lifetime = lifetime
        self.refusal = Mutex(refusal)
        self.now = now
    }

    var seen: Seen { state.withLock { $0 } }

    /// Runs `test` with the endpoint listening; `test` gets its base URL (`http://127.0.0.1:PORT`).
    func run<T: Sendable>(_ test: (_ base: String) async throws -> T) async throws -> T {
        let (ports, announce) = AsyncStream.makeStream(of: Int?.self)
        let port = Mutex<Int?>(nil)
        let router = Router()
        router.post("connect/token") { request, _ -> Response in
            let form = Self.form(String(buffer: try await request.body.collect(upTo: 1 << 16)))
            let base = "http://127.0.0.1:\(port.withLock { $0 ?? 0 })"
            return await self.token(form: form, dpop: request.headers[values: FieldName("DPoP")!], base: base)
        }
        router.get("api/v1/event") { request, _ -> Response in
            self.state.withLock {
                $0.apiCalls.append((request.headers[.authorization], request.headers[FieldName("DPoP")!]))
            }
            return Self.json(.ok, #"{"results": [], "count": 0}"#)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { announce.yield($0.localAddress?.port) },
            logger: Logger(label: "token-endpoint", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let announced = await iterator.next(), let listening = announced else { throw DoubleError("not listening") }
            port.withLock { $0 = listening }
            return try await test("http://127.0.0.1:\(listening)")
        }
    }

    // MARK: The endpoint

    private func token(form: [String: String], dpop: [String], base: String) async -> Response {
        var problems: [String] = []
        func expect(_ condition: Bool, _ problem: String) { if !condition { problems.append(problem) } }
        expect(form["grant_type"] == "client_credentials", "grant_type is \(form["grant_type"] ?? "missing")")
        expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion_type")
        expect(form["scope"] == "nhn:adresseregisteret/api", "scope is \(form["scope"] ?? "missing")")
        expect(form["client_id"] == nil && form["client_secret"] == nil, "a client_id or client_secret beside the assertion")
        problems += await checkAssertion(form["client_assertion"], audience: base)
        expect(dpop.count == 1, "\(dpop.count) DPoP headers")
        let proof = await Self.checkProof(dpop.first, method: "POST", url: base + "/connect/token", accessToken: nil, now: now())
        problems += proof.problems
        let current = nonce.withLock { $0 }
        let refused = refusal.withLock { refusal in defer { refusal = nil }; return refusal }
        state.withLock { $0.problems += problems }
        if let refused { return Self.json(.badRequest, #"{"error": "\#(refused)", "error_description": "refused by the test"}"#) }
        guard proof.nonce == current else {
            state.withLock { $0.nonceRequests += 1 }
            return Self.json(
                .badRequest, #"{"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof"}"#,
                headers: [FieldName("DPoP-Nonce")!: current])
        }
        let issued = state.withLock { state in
            state.tokensIssued += 1
            return state.tokensIssued
        }
        return Self.json(.ok, #"{"access_token": "token-\#(issued)", "token_type": "DPoP", "expires_in": \#(lifetime), "scope": "nhn:adresseregisteret/api"}"#)
    }

    /// Rolls the nonce over, as HelseID does from time to time.
    func newNonce(_ value: String) {
        nonce.withLock { $0 = value }
    }

    private func checkAssertion(_ assertion: String?, audience: String) async -> [String] {
        guard let assertion else { return ["no client_assertion"] }
        var problems: [String] = []
        let header = Self.header(of: assertion)
        if header["typ"] as? String != "client-authentication+jwt" { problems.append("assertion typ \(header["typ"] ?? "none")") }
        if header["alg"] as? String != "ES256" { problems.append("assertion alg \(header["alg"] ?? "none")") }
        if header["kid"] as? String != keyId { problems.append("assertion kid \(header["kid"] ?? "none"), not \(keyId ?? "none")") }
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: publicKey)
        guard let claims = try? await keys.verify(assertion, as: Claims.self) else {
            return problems + ["the assertion's signature does not verify with the client's key"]
        }
        let time = now().timeIntervalSince1970
        if claims.iss != clientId || claims.sub != clientId { problems.append("assertion iss/sub \(claims.iss ?? "-")/\(claims.sub ?? "-")") }
        if claims.aud != audience { problems.append("assertion aud \(claims.aud ?? "-"), not \(audience)") }
        if let exp = claims.exp, let iat = claims.iat, let nbf = claims.nbf {
            if !(Double(nbf) <= time && time < Double(exp)) { problems.append("assertion not valid now") }
            if exp - iat > 60 { problems.append("assertion lives \(exp - iat) s, more than HelseID's 60") }
        } else {
            problems.append("assertion without exp, iat or nbf")
        }
        if let jti = claims.jti {
            let reused = state.withLock { state in
                defer { state.assertionIds.append(jti) }
                return state.assertionIds.contains(jti)
            }
            if reused { problems.append("assertion jti used twice") }
        } else {
            problems.append("assertion without jti")
        }
        return problems
    }

    /// A DPoP proof's problems and nonce, checked as HelseID and NHN's APIs check one.
    static func checkProof(
        _ proof: String?, method: String, url: String, accessToken: String?, now: Date
    ) async -> (problems: [String], nonce: String?) {
        guard let proof else { return (["no DPoP proof"], nil) }
        let header = header(of: proof)
        guard header["typ"] as? String == "dpop+jwt", let jwk = header["jwk"] as? [String: Any], jwk["d"] == nil,
              let x = jwk["x"] as? String, let y = jwk["y"] as? String, let key = try? ES256PublicKey(parameters: (x, y))
        else { return (["the DPoP proof's header is not a dpop+jwt with a public EC jwk"], nil) }
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        guard let claims = try? await keys.verify(proof, as: Claims.self) else {
            return (["the DPoP proof's signature does not verify with its jwk"], nil)
        }
        var problems: [String] = []
        if claims.htm != method { problems.append("proof htm \(claims.htm ?? "-")") }
        if claims.htu != url { problems.append("proof htu \(claims.htu ?? "-"), not \(url)") }
        if claims.jti?.isEmpty != false { problems.append("proof without jti") }
        if let iat = claims.iat, abs(Double(iat) - now.timeIntervalSince1970) <= 60 {} else { problems.append("proof iat not now") }
        let ath = accessToken.map { Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString() }
            .map { $0.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "") }
        if claims.ath != ath { problems.append("proof ath \(claims.ath ?? "none"), not \(ath ?? "none")") }
        return (problems, claims.nonce)
    }

    /// The claims either kind of JWT carries; each check reads the ones it needs.
    struct Claims: JWTPayload {
        var iss: String?
        var sub: String?
        var aud: String?
        var exp: Int?
        var iat: Int?
        var nbf: Int?
        var jti: String?
        var htm: String?
        var htu: String?
        var ath: String?
        var nonce: String?

        func verify(using _: some JWTAlgorithm) async throws {}
    }

    static func header(of jwt: String) -> [String: Any] {
        guard let first = jwt.split(separator: ".").first else { return [:] }
        var text = first.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    private static func json(_ status: HTTPResponse.Status, _ body: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    struct DoubleError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
