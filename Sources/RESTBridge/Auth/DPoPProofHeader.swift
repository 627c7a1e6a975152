import Dialogs

/// The members of a DPoP proof's header that RFC 9449 §4.2 asks for. A member of another JSON
/// type than expected reads as absent, so that the check needing it says which one is wrong.
struct DPoPProofHeader: JWSObjectPart {
    var typ: String?
    var alg: String?
    var jwk: DPoPProofKey?

    init(members: [String: JSONValue]) {
        typ = members["typ"]?.string
        alg = members["alg"]?.string
        jwk = members["jwk"]?.object.map(DPoPProofKey.init(members:))
    }
}
