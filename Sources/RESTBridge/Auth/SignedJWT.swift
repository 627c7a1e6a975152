import Foundation
import JWTKit

/// A compact JWS split into what the checks read: its header, its claims, and the signature over
/// its signing input.
///
/// Access tokens use jwt-kit's generic `JWTHeader` and hubd's `JWTClaims`, decoded with
/// `JSONDecoder`, since their claim names are configured and some claims take more than one
/// shape. DPoP proofs, new with every request, use the typed `DPoPProofHeader` and
/// `DPoPProofClaims`, read by hubd's JSON reader: generic decoding tries each JSON type in turn
/// for every member and throws an error for each miss, which made parsing a proof 7 % of hubd's
/// CPU under REST load. Nothing here is trusted before `isSigned(by:)`.
struct SignedJWT<Header: JWSPart, Claims: JWSPart> {
    /// Longest token or proof read; a HelseID access token is about 1–2 KB, so anything near this
    /// is not one and is not worth decoding.
    static var maximumLength: Int { 16 * 1024 }

    let header: Header
    let claims: Claims
    private let signature: Data
    private let signingInput: ArraySlice<UInt8>

    /// The JWS `text` is, or nil when it is not a well-formed compact JWS (three base64url parts
    /// without padding) whose header and claims decode.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.maximumLength else { return nil }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerJSON = Data(base64URLEncoded: parts[0]),
              let claimsJSON = Data(base64URLEncoded: parts[1]),
              let signature = Data(base64URLEncoded: parts[2]),
              let header = Header(json: Array(headerJSON)),
              let claims = Claims(json: Array(claimsJSON))
        else { return nil }
        self.header = header
        self.claims = claims
        self.signature = signature
        // Everything before the period that ends the claims.
        signingInput = bytes[..<parts[1].endIndex]
    }

    /// Whether `key` (jwt-kit's verifier for one key and algorithm) signed this JWS.
    func isSigned(by key: any JWTAlgorithm) -> Bool {
        (try? key.verify(signature, signs: signingInput)) == true
    }
}

/// An access token as the checks read it.
typealias AccessTokenJWS = SignedJWT<JWTHeader, JWTClaims>

/// A DPoP proof as the checks read it.
typealias DPoPProofJWS = SignedJWT<DPoPProofHeader, DPoPProofClaims>
