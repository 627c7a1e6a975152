import JWTKit

extension JWK {
    /// jwt-kit's verifier for this key used with `algorithm`, or nil when the key does not suit
    /// it: ES256 needs a P-256 key, RS256 and PS256 an RSA key (of at least 2048 bits, which
    /// jwt-kit enforces), and a key that names its own `alg` is used with that one only.
    func verifier(for algorithm: String) async -> (any JWTAlgorithm)? {
        guard let alg = JWK.Algorithm(rawValue: algorithm), self.algorithm == nil || self.algorithm == alg else { return nil }
        switch (keyType, alg) {
        case (.ecdsa, .es256) where curve?.rawValue == "P-256": break
        case (.rsa, .rs256), (.rsa, .ps256): break
        default: return nil
        }
        // Pinning `alg` on the key makes jwt-kit verify with exactly this algorithm, whatever
        // the key published; the collection wants a kid, and holds this one key only.
        var key = self
        key.algorithm = alg
        key.keyIdentifier = JWKIdentifier(string: "key")
        let keys = JWTKeyCollection()
        do {
            try await keys.add(jwk: key)
            return try await keys.getKey(alg: algorithm)
        } catch {
            return nil
        }
    }
}
