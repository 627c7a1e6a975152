/// The `jwk` in a DPoP proof's header: the public members a key is built from, and whether it
/// holds any private member (a proof carrying one leaks its key; RFC 7518 §6). Other members
/// are ignored, and a member of another JSON type than expected reads as absent.
struct DPoPProofKey: Decodable {
    var kty: String?
    var crv: String?
    var x: String?
    var y: String?
    var n: String?
    var e: String?
    var holdsPrivateMembers: Bool

    private enum CodingKeys: String, CodingKey { case kty, crv, x, y, n, e, d, p, q, dp, dq, qi, oth, k }
    private static let privateMembers: [CodingKeys] = [.d, .p, .q, .dp, .dq, .qi, .oth, .k]

    init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        kty = try? members.decodeIfPresent(String.self, forKey: .kty)
        crv = try? members.decodeIfPresent(String.self, forKey: .crv)
        x = try? members.decodeIfPresent(String.self, forKey: .x)
        y = try? members.decodeIfPresent(String.self, forKey: .y)
        n = try? members.decodeIfPresent(String.self, forKey: .n)
        e = try? members.decodeIfPresent(String.self, forKey: .e)
        holdsPrivateMembers = Self.privateMembers.contains(where: members.contains)
    }
}
