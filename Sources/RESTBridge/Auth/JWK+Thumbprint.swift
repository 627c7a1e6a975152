import Crypto
import Dialogs
import Foundation
import JWTKit

extension JWK {
    /// The RFC 7638 SHA-256 thumbprint, base64url: the hash of the key's required public members
    /// as JSON without white space, members in lexicographic order. Nil for a key that lacks
    /// them or is neither EC nor RSA.
    ///
    /// Written by hubd's canonical JSON writer, which gives exactly that form; a proof's key is
    /// hashed on every request, and `JSONEncoder` made that 2.5 % of hubd's CPU under REST load.
    var thumbprint: String? {
        let members: [String: String]
        switch keyType {
        case .ecdsa:
            guard let crv = curve?.rawValue, let x, let y else { return nil }
            members = ["crv": crv, "kty": keyType.rawValue, "x": x, "y": y]
        case .rsa:
            guard let e = exponent, let n = modulus else { return nil }
            members = ["e": e, "kty": keyType.rawValue, "n": n]
        default:
            return nil
        }
        let json = JSONValue.object(members.mapValues(JSONValue.string)).canonicalBytes
        return Data(SHA256.hash(data: json)).base64URLEncoded
    }
}
