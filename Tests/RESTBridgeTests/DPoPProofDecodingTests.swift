import Foundation
import JWTKit
import Testing
@testable import RESTBridge

/// A proof's header and claims are read as typed members; one of the wrong JSON type reads as
/// absent, so that the check that needs it names it (the checks themselves are in DPoPProofTests).
@Suite(.timeLimit(.minutes(1)))
struct DPoPProofDecodingTests {
    private func part(_ json: String) -> String { Data(json.utf8).base64URLEncoded }

    @Test func membersOfTheExpectedTypesAreRead() throws {
        let proof = try #require(DPoPProofJWS(
            part(#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"a","y":"b","ext":true}}"#) + "."
                + part(#"{"jti":"j1","htm":"POST","htu":"https://hub.example/messages","iat":1733300000.5,"ath":"h","extra":[1,{"a":null}]}"#)
                + "." + Data([1, 2, 3]).base64URLEncoded))
        #expect(proof.header.typ == "dpop+jwt")
        #expect(proof.header.alg == "ES256")
        #expect(proof.header.jwk?.kty == "EC")
        #expect(proof.header.jwk?.crv == "P-256")
        #expect(proof.header.jwk?.x == "a")
        #expect(proof.header.jwk?.y == "b")
        #expect(proof.header.jwk?.holdsPrivateMembers == false)
        #expect(proof.claims.jti == "j1")
        #expect(proof.claims.htm == "POST")
        #expect(proof.claims.htu == "https://hub.example/messages")
        #expect(proof.claims.iat == 1_733_300_000.5)
        #expect(proof.claims.ath == "h")
        #expect(DPoPProofClaims(json: Array(#"{"iat":1733300000}"#.utf8))?.iat == 1_733_300_000)
    }

    @Test func membersOfAnotherTypeReadAsAbsent() throws {
        let header = try #require(DPoPProofHeader(json: Array(#"{"typ":1,"alg":["ES256"],"jwk":"key"}"#.utf8)))
        #expect(header.typ == nil)
        #expect(header.alg == nil)
        #expect(header.jwk == nil)
        let claims = try #require(DPoPProofClaims(json: Array(#"{"jti":5,"htm":null,"htu":{},"iat":"yesterday","ath":false}"#.utf8)))
        #expect(claims.jti == nil)
        #expect(claims.htm == nil)
        #expect(claims.htu == nil)
        #expect(claims.iat == nil)
        #expect(claims.ath == nil)
    }

    /// Whatever its type: a private member's presence is the leak.
    @Test(arguments: ["d", "p", "q", "dp", "dq", "qi", "oth", "k"])
    func aPrivateMemberInTheKeyIsNoticed(_ name: String) throws {
        let key = try #require(DPoPProofHeader(json: Array(#"{"jwk":{"kty":"EC","\#(name)":1}}"#.utf8))?.jwk)
        #expect(key.holdsPrivateMembers)
        #expect(key.kty == "EC")
    }

    @Test func aJWSThatIsNotThreeUnpaddedBase64URLPartsOfJSONObjectsIsRefused() {
        let object = part("{}")
        let signature = Data([1, 2, 3]).base64URLEncoded
        #expect(DPoPProofJWS(object + "." + object + "." + signature) != nil)
        for text in [
            object + "." + object,
            object + "." + object + "." + signature + "." + signature,
            object + "=." + object + "." + signature,
            part("[1]") + "." + object + "." + signature,
            // A member given twice: two readers could take different ones (RFC 7515 §4).
            part(#"{"typ":"dpop+jwt","typ":"JWT"}"#) + "." + object + "." + signature,
            object + "." + part("\"text\"") + "." + signature,
            object + "." + object + ".a+b",
            object + "." + part("{\"a\":" + String(repeating: "x", count: DPoPProofJWS.maximumLength) + "}") + "." + signature,
        ] {
            #expect(DPoPProofJWS(text) == nil, "\(text.prefix(80))")
        }
    }
}
