import Foundation
import JWTKit

/// A token issuer of hubd's own, for local use and tests: an ES256 signing key and its JWKS in
/// one directory, and access tokens shaped like HelseID's.
///
/// ```swift
/// let directory = URL(fileURLWithPath: ".run/auth")
/// try LocalAuthority.create(in: directory, issuer: "hubd-local")
/// let authority = try LocalAuthority(directory: directory)
/// let token = try await authority.token(herIds: [10037002], dpopKey: key, now: Date())
/// ```
///
/// Point hubd at it with `HUBD_AUTH_JWKS` = `jwksFile` and `HUBD_AUTH_ISSUER` = `issuer`.
/// Creating it again in the same directory rotates the key: a new key with a new `kid` replaces
/// the old one, and tokens signed with the old key stop verifying once hubd has re-read the file
/// (which it does on the first token with the new `kid`).
package struct LocalAuthority: Sendable {
    package static let signingKeyName = "signing-key.pem"
    package static let jwksName = "jwks.json"
    package static let issuerName = "issuer"

    package let directory: URL
    package let issuer: String
    /// The signing key's `kid`: its RFC 7638 thumbprint, so that every key has its own.
    package let keyId: String
    private let key: ES256PrivateKey

    package var jwksFile: URL { directory.appendingPathComponent(Self.jwksName) }

    /// Writes a new signing key (`signing-key.pem`, mode 0600), its public JWKS (`jwks.json`)
    /// and the issuer name to `directory`, creating it (mode 0700) when missing.
    @discardableResult
    package static func create(in directory: URL, issuer: String) throws(AuthConfigurationError) -> LocalAuthority {
        guard !issuer.isEmpty else { throw AuthConfigurationError("the issuer is empty") }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AuthConfigurationError("cannot create \(directory.path): \((error as NSError).localizedDescription)")
        }
        let key = ES256PrivateKey()
        let jwk = try publicJWK(of: key)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let jwks = try? encoder.encode(JWKS(keys: [jwk])) else { throw AuthConfigurationError("cannot encode the JWKS") }
        try KeyFile.write(Data(key.pemRepresentation.utf8), to: directory.appendingPathComponent(signingKeyName), mode: 0o600)
        try KeyFile.write(jwks + Data("\n".utf8), to: directory.appendingPathComponent(jwksName), mode: 0o644)
        try KeyFile.write(Data((issuer + "\n").utf8), to: directory.appendingPathComponent(issuerName), mode: 0o644)
        return try LocalAuthority(directory: directory)
    }

    /// The authority `create(in:issuer:)` wrote to `directory`.
    package init(directory: URL) throws(AuthConfigurationError) {
        let pem = try KeyFile.read(directory.appendingPathComponent(Self.signingKeyName))
        guard let key = try? ES256PrivateKey(pem: pem) else {
            throw AuthConfigurationError("\(directory.appendingPathComponent(Self.signingKeyName).path) is not a P-256 private key in PEM")
        }
        let jwksFile = directory.appendingPathComponent(Self.jwksName)
        // The JWKS must publish this very key, or hubd would refuse every token signed with it.
        let published = try KeyFile.read(jwksFile)
        guard let jwks = try? JSONDecoder().decode(JWKS.self, from: published),
            let keyId = jwks.keys.first(where: { $0.x == key.parameters?.x && $0.y == key.parameters?.y })?.keyIdentifier?.string
        else { throw AuthConfigurationError("\(jwksFile.path) does not publish the public key of \(Self.signingKeyName) with a kid") }
        let issuer = String(decoding: try KeyFile.read(directory.appendingPathComponent(Self.issuerName)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        self.directory = directory
        self.issuer = issuer
        self.keyId = keyId
        self.key = key
    }

    /// An access token (`typ` `at+jwt`) for `herIds` (as a JSON array under `herIdClaim`), from
    /// `issuer` (by default this authority's) to `audience`, with `scope`, `client_id` and `sub`
    /// `clientId`, a fresh `jti`, valid from `now` for `lifetime` seconds, and bound to
    /// `dpopKey` (`cnf.jkt`) when one is given.
    package func token(
        herIds: [Int], issuer: String? = nil, audience: String = "nhn:msh", scope: String = "nhn:msh/api",
        lifetime: TimeInterval = 3600, dpopKey: DPoPKey? = nil, herIdClaim: String = AuthSettings.defaultHerIdClaim,
        clientId: String = "hubd-local", now: Date
    ) async throws(AuthConfigurationError) -> String {
        let issuedAt = Int(now.timeIntervalSince1970)
        var claims: [String: JWTHeaderField] = [
            "iss": .string(issuer ?? self.issuer), "aud": .string(audience), "scope": .string(scope),
            "client_id": .string(clientId), "sub": .string(clientId), "jti": .string(UUID().uuidString),
            "iat": .int(issuedAt), "nbf": .int(issuedAt), "exp": .int(issuedAt + Int(lifetime)),
            herIdClaim: .array(herIds.map(JWTHeaderField.int)),
        ]
        if let dpopKey { claims["cnf"] = .object(["jkt": .string(dpopKey.thumbprint)]) }
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: keyId))
        do {
            return try await keys.sign(JWTClaims(claims), kid: JWKIdentifier(string: keyId), header: ["typ": "at+jwt"])
        } catch {
            throw AuthConfigurationError("cannot sign the access token: \(error)")
        }
    }

    private static func publicJWK(of key: ES256PrivateKey) throws(AuthConfigurationError) -> JWK {
        var jwk = JWK.ecdsa(.es256, identifier: nil, x: key.parameters?.x, y: key.parameters?.y, curve: .p256)
        guard let thumbprint = jwk.thumbprint else { throw AuthConfigurationError("cannot compute the new key's thumbprint") }
        jwk.keyIdentifier = JWKIdentifier(string: thumbprint)
        return jwk
    }
}
