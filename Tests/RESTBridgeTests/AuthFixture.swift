import Foundation
import JWTKit
import RESTBridge

/// A local authority in a temporary directory, a client's DPoP key, and a verifier that trusts
/// the authority; all at a fixed time.
final class AuthFixture: Sendable {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let issuer = "hubd-test"
    static let urlText = "https://hub.example/messages"
    static let url = RequestTarget(scheme: "https", host: "hub.example", path: "/messages")

    let directory: URL
    let authority: LocalAuthority
    let client: DPoPKey
    let verifier: AccessTokenVerifier

    init(dpop: AuthSettings.DPoPMode = .required) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-auth-\(UUID().uuidString)")
        authority = try LocalAuthority.create(in: directory, issuer: Self.issuer)
        client = try DPoPKey.generate()
        verifier = AccessTokenVerifier(settings: try AuthSettings(jwks: .file(authority.jwksFile.path), issuer: Self.issuer, dpop: dpop))
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A token from the authority for `herIds`, bound to the client's key unless `bound` is false.
    func token(herIds: [Int] = [10037002, 10037004], bound: Bool = true, now: Date = now) async throws -> String {
        try await authority.token(herIds: herIds, dpopKey: bound ? client : nil, now: now)
    }

    /// `token` verified as `Authorization: DPoP` with a proof made by `key` (the client's by
    /// default) for `proofMethod`, `proofURL` and `proofToken`, issued at `issuedAt`; the
    /// request itself is a GET to `url` at `now`.
    func verify(
        _ token: String, key: DPoPKey? = nil, proofMethod: String = "GET", proofURL: String = urlText, proofToken: String? = nil,
        issuedAt: Date = now, jti: String = UUID().uuidString, now: Date = now
    ) async throws -> Principal {
        let proof = try await (key ?? client).proof(method: proofMethod, url: proofURL, accessToken: proofToken ?? token, now: issuedAt, jti: jti)
        return try await verifier.verify(authorization: "DPoP \(token)", dpop: proof, method: "GET", url: Self.url, now: now)
    }

    /// The claims the authority writes, with `changes` applied (`.null` removes a claim).
    func claims(_ changes: [String: JWTHeaderField] = [:], now: Date = now) -> [String: JWTHeaderField] {
        let time = Int(now.timeIntervalSince1970)
        var claims: [String: JWTHeaderField] = [
            "iss": .string(Self.issuer), "aud": .string("nhn:msh"), "scope": .string("nhn:msh/api"),
            "client_id": "test-client", "exp": .int(time + 600), "nbf": .int(time),
            "cnf": .object(["jkt": .string(client.thumbprint)]),
            AuthSettings.defaultHerIdClaim: .array([.int(10037002)]),
        ]
        for (name, value) in changes {
            // Not `claims[name] = nil`: JWTHeaderField takes a nil literal as JSON null.
            if value.isNull { claims.removeValue(forKey: name) } else { claims[name] = value }
        }
        return claims
    }

    /// `claims` signed with the key in `directory` (by default the fixture's own authority's),
    /// under the fixture authority's `kid`.
    func signed(_ claims: [String: JWTHeaderField], keyFrom directory: URL? = nil, typ: String = "at+jwt") async throws -> String {
        let pem = try Data(contentsOf: (directory ?? self.directory).appendingPathComponent(LocalAuthority.signingKeyName))
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(pem: pem), kid: JWKIdentifier(string: authority.keyId))
        return try await keys.sign(TestClaims(claims), kid: JWKIdentifier(string: authority.keyId), header: ["typ": .string(typ)])
    }
}

/// Any claims, for tokens the authority would not write.
struct TestClaims: JWTPayload {
    var members: [String: JWTHeaderField]

    init(_ members: [String: JWTHeaderField]) { self.members = members }
    init(from decoder: any Decoder) throws { members = try decoder.singleValueContainer().decode([String: JWTHeaderField].self) }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }
    func verify(using _: some JWTAlgorithm) async throws {}
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
