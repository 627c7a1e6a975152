import Foundation
import JWTKit

/// A compact JWS split into what the checks read: its header, its claims, and the signature over
/// its signing input.
///
/// Parsing goes through jwt-kit's parser; nothing here is trusted before `isSigned(by:)`.
struct SignedJWT {
    /// Longest token or proof read; a HelseID access token is about 1–2 KB, so anything near this
    /// is not one and is not worth decoding.
    static let maximumLength = 16 * 1024

    let header: JWTHeader
    let claims: JWTClaims
    private let signature: Data
    private let signingInput: ArraySlice<UInt8>

    /// The JWS `text` is, or nil when it is not a well-formed compact JWS with JSON header and claims.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.maximumLength, let lastPeriod = bytes.lastIndex(of: UInt8(ascii: ".")),
            let parsed = try? DefaultJWTParser().parse(bytes, as: JWTClaims.self)
        else { return nil }
        header = parsed.header
        claims = parsed.payload
        signature = parsed.signature
        signingInput = bytes[..<lastPeriod]
    }

    /// Whether `key` (jwt-kit's verifier for one key and algorithm) signed this JWS.
    func isSigned(by key: any JWTAlgorithm) -> Bool {
        (try? key.verify(signature, signs: signingInput)) == true
    }
}
