import Foundation
import JWTKit

/// The private key a HelseID client authenticates with (`private_key_jwt`): a JWK file as
/// HelseID's self-service hands it out, RSA (`RS256` unless the JWK names another RSA
/// algorithm) or EC (`ES256` on P-256, `ES384` on P-384, `ES512` on P-521). The key never leaves
/// jwt-kit; `kid`, when the JWK has one, goes into each assertion's header so HelseID can pick
/// the registered key.
///
/// ```swift
/// let key = try await ClientAssertionKey.load(from: URL(fileURLWithPath: "/etc/hubd/helseid-key.json"))
/// ```
package struct ClientAssertionKey: Sendable {
    /// The JWK's `kid`, if it has one.
    package let keyId: String?
    private let keys: JWTKeyCollection

    /// jwt-kit files keys by kid; a JWK without one is filed under this, and signs without a kid.
    private static let placeholderKid = JWKIdentifier(string: "helseid-client")

    /// Reads and checks the key in `file`; the error names the file and what is wrong, never the key.
    package static func load(from file: URL) async throws(AuthConfigurationError) -> ClientAssertionKey {
        let data = try KeyFile.read(file)
        guard let jwk = try? JSONDecoder().decode(JWK.self, from: data) else {
            throw AuthConfigurationError("\(file.path) is not a JWK (a JSON object with kty)")
        }
        return try await ClientAssertionKey(jwk: jwk, origin: file.path)
    }

    /// The key `jwk` holds; `origin` names where it came from in errors.
    package init(jwk: JWK, origin: String) async throws(AuthConfigurationError) {
        guard jwk.privateExponent != nil else { throw AuthConfigurationError("\(origin) holds no private key (no d)") }
        let algorithm: JWK.Algorithm
        switch (jwk.keyType, jwk.curve?.rawValue) {
        case (.rsa, _):
            algorithm = jwk.algorithm ?? .rs256
            guard [JWK.Algorithm.rs256, .rs384, .rs512, .ps256, .ps384, .ps512].contains(algorithm) else {
                throw AuthConfigurationError("\(origin): an RSA key cannot sign with \(algorithm.rawValue)")
            }
        case (.ecdsa, "P-256"): algorithm = .es256
        case (.ecdsa, "P-384"): algorithm = .es384
        case (.ecdsa, "P-521"): algorithm = .es512
        default:
            throw AuthConfigurationError("\(origin) is neither an RSA key nor an EC key on P-256, P-384 or P-521")
        }
        var signing = jwk
        signing.algorithm = algorithm
        signing.keyIdentifier = jwk.keyIdentifier ?? Self.placeholderKid
        let keys = JWTKeyCollection()
        do {
            try await keys.add(jwk: signing)
        } catch {
            throw AuthConfigurationError("\(origin): the private key cannot be used: \(error)")
        }
        self.keyId = jwk.keyIdentifier?.string
        self.keys = keys
    }

    /// `claims` signed, with `typ`, this key's `alg` (jwt-kit writes it) and its `kid` in the header.
    func sign(_ claims: JWTClaims, typ: String) async throws(AuthConfigurationError) -> String {
        // The collection holds this one key, its default: with the JWK's kid, jwt-kit writes
        // that kid into the header; without one, the header gets none.
        let header: JWTHeader = ["typ": .string(typ)]
        do {
            return try await keys.sign(claims, kid: keyId.map(JWKIdentifier.init(string:)), header: header)
        } catch {
            throw AuthConfigurationError("cannot sign the client assertion: \(error)")
        }
    }
}
