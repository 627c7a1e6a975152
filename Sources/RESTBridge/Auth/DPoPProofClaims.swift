/// The claims of a DPoP proof that RFC 9449 §4.2 asks for. A claim of another JSON type than
/// expected reads as absent, so that the check needing it says which one is wrong.
struct DPoPProofClaims: Decodable {
    var jti: String?
    var htm: String?
    var htu: String?
    /// Seconds since 1970, whether written as an integer or with a fraction.
    var iat: Double?
    var ath: String?

    private enum CodingKeys: String, CodingKey { case jti, htm, htu, iat, ath }

    init(from decoder: any Decoder) throws {
        let claims = try decoder.container(keyedBy: CodingKeys.self)
        jti = try? claims.decodeIfPresent(String.self, forKey: .jti)
        htm = try? claims.decodeIfPresent(String.self, forKey: .htm)
        htu = try? claims.decodeIfPresent(String.self, forKey: .htu)
        iat = try? claims.decodeIfPresent(Double.self, forKey: .iat)
        ath = try? claims.decodeIfPresent(String.self, forKey: .ath)
    }
}
