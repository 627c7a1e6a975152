/// The members of a DPoP proof's header that RFC 9449 §4.2 asks for. A member of another JSON
/// type than expected reads as absent, so that the check needing it says which one is wrong.
struct DPoPProofHeader: Decodable {
    var typ: String?
    var alg: String?
    var jwk: DPoPProofKey?

    private enum CodingKeys: String, CodingKey { case typ, alg, jwk }

    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        typ = try? members.decodeIfPresent(String.self, forKey: .typ)
        alg = try? members.decodeIfPresent(String.self, forKey: .alg)
        jwk = try? members.decodeIfPresent(DPoPProofKey.self, forKey: .jwk)
    }
}
