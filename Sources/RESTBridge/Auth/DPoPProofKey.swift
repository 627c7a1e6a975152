import Dialogs

/// The `jwk` in a DPoP proof's header: the public members a key is built from, and whether it
/// holds any private member (a proof carrying one leaks its key; RFC 7518 §6). Other members
/// are ignored, and a member of another JSON type than expected reads as absent.
struct DPoPProofKey: Hashable, Sendable {
    var kty: String?
    var crv: String?
    var x: String?
    var y: String?
    var n: String?
    var e: String?
    var holdsPrivateMembers: Bool

    private static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    init(members: [String: JSONValue]) {
        kty = members["kty"]?.string
        crv = members["crv"]?.string
        x = members["x"]?.string
        y = members["y"]?.string
        n = members["n"]?.string
        e = members["e"]?.string
        holdsPrivateMembers = Self.privateMembers.contains { members[$0] != nil }
    }
}
