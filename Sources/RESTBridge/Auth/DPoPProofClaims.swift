import Dialogs

/// The claims of a DPoP proof that RFC 9449 §4.2 asks for. A claim of another JSON type than
/// expected reads as absent, so that the check needing it says which one is wrong.
struct DPoPProofClaims: JWSObjectPart {
    var jti: String?
    var htm: String?
    var htu: String?
    /// Seconds since 1970, whether written as an integer or with a fraction.
    var iat: Double?
    var ath: String?

    init(members: [String: JSONValue]) {
        jti = members["jti"]?.string
        htm = members["htm"]?.string
        htu = members["htu"]?.string
        switch members["iat"] {
        case .integer(let seconds): iat = Double(seconds)
        case .number(let seconds): iat = seconds
        default: iat = nil
        }
        ath = members["ath"]?.string
    }
}
