import Dialogs
import Foundation
import JWTKit

/// A part of a compact JWS, its header or its claims, read from the part's JSON.
protocol JWSPart {
    /// The part `json` holds, or nil when it is not a JSON object of the part's shape.
    init?(json: [UInt8])
}

extension JWSPart where Self: Decodable {
    init?(json: [UInt8]) {
        guard let part = try? JSONDecoder().decode(Self.self, from: Data(json)) else { return nil }
        self = part
    }
}

/// An access token's header: jwt-kit's generic one, since its members vary with the issuer.
extension JWTHeader: JWSPart {}

/// An access token's claims: their names are configured and some take more than one shape.
extension JWTClaims: JWSPart {}

/// A part whose members are read from hubd's own JSON reader: one DPoP proof comes with every
/// request, and `JSONDecoder` made reading its two parts 3.6 % of hubd's CPU under REST load.
/// The reader refuses a member name given twice, as RFC 7515 §4 allows.
protocol JWSObjectPart: JWSPart {
    init(members: [String: JSONValue])
}

extension JWSObjectPart {
    init?(json: [UInt8]) {
        guard let members = (try? JSONReader.read(json))?.object else { return nil }
        self.init(members: members)
    }
}
