import JWTKit
import Synchronization

/// The DPoP proof keys seen lately, with their RFC 7638 thumbprints and jwt-kit verifiers.
///
/// A client signs every request's proof with the same key, and building jwt-kit's verifier for
/// it (a key collection, the point read and checked) and hashing it for the thumbprint were
/// 3 % of hubd's CPU under REST load. Only a proof key's public members are looked up, so an
/// entry holds nothing secret. Memory is bounded by `capacity`: when that many keys are held,
/// the cache starts again empty, which costs only the work it saves.
final class DPoPKeyCache: Sendable {
    private struct Entry: Sendable {
        let jwk: JWK?
        let thumbprint: String?
        /// By algorithm; nil where the key does not suit it.
        var verifiers: [String: (any JWTAlgorithm)?] = [:]
    }

    let capacity: Int
    private let entries = Mutex<[DPoPProofKey: Entry]>([:])

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// The key's thumbprint; nil when it is not an EC or RSA public key.
    func thumbprint(of key: DPoPProofKey) -> String? {
        entry(for: key).thumbprint
    }

    /// jwt-kit's verifier for the key with `algorithm`, or nil when the key does not suit it
    /// (`JWK.verifier(for:)`).
    func verifier(of key: DPoPProofKey, for algorithm: String) async -> (any JWTAlgorithm)? {
        let entry = entry(for: key)
        if let known = entry.verifiers[algorithm] { return known }
        let verifier = await entry.jwk?.verifier(for: algorithm)
        entries.withLock { entries in
            entries[key]?.verifiers[algorithm] = .some(verifier)
        }
        return verifier
    }

    private func entry(for key: DPoPProofKey) -> Entry {
        if let known = entries.withLock({ $0[key] }) { return known }
        let jwk = Self.publicKey(key)
        let entry = Entry(jwk: jwk, thumbprint: jwk?.thumbprint)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
        return entry
    }

    /// The public key a proof's `jwk` describes, from its public members only.
    private static func publicKey(_ key: DPoPProofKey) -> JWK? {
        switch key.kty {
        case "EC":
            guard let crv = key.crv.flatMap(ECDSACurve.init(rawValue:)), let x = key.x, let y = key.y else { return nil }
            return .ecdsa(nil, identifier: nil, x: x, y: y, curve: crv)
        case "RSA":
            guard let n = key.n, let e = key.e else { return nil }
            return .rsa(nil, identifier: nil, modulus: n, exponent: e)
        default:
            return nil
        }
    }
}
