import Crypto
import Foundation
import JWTKit

/// A client's DPoP key (ES256, P-256): what a REST client proves possession of on every call
/// (RFC 9449). hubd's tests, benchmark and `hubd auth` use it to act as a client.
///
/// ```swift
/// let key = try DPoPKey.generate()
/// let token = try await authority.token(herIds: [10037002], dpopKey: key, now: Date())
/// let proof = try await key.proof(method: "GET", url: "https://hub.example/messages/1", accessToken: token, now: Date())
/// // Authorization: DPoP <token>, DPoP: <proof>
/// ```
package struct DPoPKey: Sendable {
    /// The RFC 7638 thumbprint: what a token bound to this key carries as `cnf.jkt`.
    package let thumbprint: String
    private let secret: P256.Signing.PrivateKey
    private let signingKey: ES256PrivateKey
    /// The public JWK, as a proof's header carries it.
    private let publicMembers: [String: String]

    /// A new random key.
    package static func generate() throws(AuthConfigurationError) -> DPoPKey {
        try DPoPKey(secret: P256.Signing.PrivateKey())
    }

    /// The key in a JWK file written by `write(to:)`.
    package init(contentsOf file: URL) throws(AuthConfigurationError) {
        let data = try KeyFile.read(file)
        guard let jwk = try? JSONDecoder().decode(JWK.self, from: data), jwk.keyType == .ecdsa, jwk.curve?.rawValue == "P-256",
            let d = jwk.privateExponent.flatMap(Data.init(base64URLEncoded:)),
            let secret = try? P256.Signing.PrivateKey(rawRepresentation: d)
        else { throw AuthConfigurationError("\(file.path) is not a private P-256 JWK (kty EC, crv P-256, d)") }
        try self.init(secret: secret)
    }

    private init(secret: P256.Signing.PrivateKey) throws(AuthConfigurationError) {
        let point = secret.publicKey.x963Representation  // 0x04 || x || y
        let members = [
            "kty": "EC", "crv": "P-256",
            "x": Data(point[1..<33]).base64URLEncoded, "y": Data(point[33..<65]).base64URLEncoded,
        ]
        guard let signingKey = try? ES256PrivateKey(backing: secret),
            let thumbprint = JWK.ecdsa(nil, identifier: nil, x: members["x"], y: members["y"], curve: .p256).thumbprint
        else { throw AuthConfigurationError("cannot use the generated P-256 key") }
        self.secret = secret
        self.signingKey = signingKey
        self.publicMembers = members
        self.thumbprint = thumbprint
    }

    /// Writes the key, private part included, as a JWK file readable by its owner only.
    package func write(to file: URL) throws(AuthConfigurationError) {
        var members = publicMembers
        members["d"] = secret.rawRepresentation.base64URLEncoded
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let json = try? encoder.encode(members) else { throw AuthConfigurationError("cannot encode the DPoP key") }
        try KeyFile.write(json + Data("\n".utf8), to: file, mode: 0o600)
    }

    /// A DPoP proof for a request with `method` to `url` (its query and fragment are left out
    /// of `htu`): to an API, carrying `accessToken` (its hash is `ath`); to a token endpoint,
    /// with none, and with the `nonce` the endpoint asked for, if it did.
    package func proof(
        method: String, url: String, accessToken: String?, nonce: String? = nil, now: Date, jti: String = UUID().uuidString
    ) async throws(AuthConfigurationError) -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: signingKey)
        var members: [String: JWTHeaderField] = [
            "jti": .string(jti), "htm": .string(method), "htu": .string(String(url.prefix { $0 != "?" && $0 != "#" })),
            "iat": .int(Int(now.timeIntervalSince1970)),
        ]
        if let accessToken { members["ath"] = .string(Data(SHA256.hash(data: Data(accessToken.utf8))).base64URLEncoded) }
        if let nonce { members["nonce"] = .string(nonce) }
        let claims = JWTClaims(members)
        let header: JWTHeader = ["typ": "dpop+jwt", "jwk": .object(publicMembers.mapValues(JWTHeaderField.string))]
        do {
            return try await keys.sign(claims, header: header)
        } catch {
            throw AuthConfigurationError("cannot sign the DPoP proof: \(error)")
        }
    }
}
