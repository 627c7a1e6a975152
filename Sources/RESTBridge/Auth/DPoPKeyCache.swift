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
    /// What the cache holds for one key. A proof's checks look its key up once and ask this
    /// for both the thumbprint and the verifier.
    struct Entry: Sendable {
        let key: DPoPProofKey
        let jwk: JWK?
        /// Nil when the key is not an EC or RSA public key.
        let thumbprint: String?
        /// By algorithm; nil where the key does not suit it.
        fileprivate(set) var verifiers: [String: (any JWTAlgorithm)?] = [:]
    }

    let capacity: Int
    private let entries = Mutex<[DPoPProofKey: Entry]>([:])

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// The key's entry, made (and kept) the first time the key is seen.
    func entry(for key: DPoPProofKey) -> Entry {
        if let known = entries.withLock({ $0[key] }) { return known }
        let jwk = Self.publicKey(key)
        let entry = Entry(key: key, jwk: jwk, thumbprint: jwk?.thumbprint)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
        return entry
    }

    /// jwt-kit's verifier for the entry's key with `algorithm`, or nil when the key does not
    /// suit it (`JWK.verifier(for:)`); made once per key and algorithm.
    func verifier(of entry: Entry, for algorithm: String) async -> (any JWTAlgorithm)? {
        if let known = entry.verifiers[algorithm] { return known }
        let verifier = await entry.jwk?.verifier(for: algorithm)
        entries.withLock { entries in
            entries[entry.key]?.verifiers[algorithm] = .some(verifier)
        }
        return verifier
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
