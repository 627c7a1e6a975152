import Dialogs
import Foundation
import JWTKit
@testable import RESTBridge
import Testing

@Suite(.timeLimit(.minutes(2)))
struct DPoPProofTests {
    private func reason(_ body: () async throws -> Principal) async -> String? {
        do {
            _ = try await body()
            Issue.record("expected an AuthFailure")
        } catch let failure as AuthFailure {
            #expect(failure.code == .invalidDPoPProof)
            #expect(failure.challenge.hasPrefix("DPoP algs=\"ES256 RS256 PS256\", error=\"invalid_dpop_proof\""))
            return failure.reason
        } catch {
            Issue.record("expected an AuthFailure, got \(error)")
        }
        return nil
    }

    @Test func aProofForAnotherMethodFails() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        #expect(await reason { try await fixture.verify(token, proofMethod: "POST") } == "the DPoP proof is for another HTTP method (htm)")
    }

    @Test(arguments: ["https://hub.example/messages/1", "http://hub.example/messages", "https://other.example/messages", "https://hub.example:8443/messages"])
    func aProofForAnotherURLFails(_ url: String) async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        #expect(await reason { try await fixture.verify(token, proofURL: url) } == "the DPoP proof is for another URL (htu)")
    }

    @Test func theURLIsComparedWithoutQueryDefaultPortOrCase() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        _ = try await fixture.verify(token, proofURL: "HTTPS://Hub.Example:443/messages?HerIds=1#x")
        #expect(RequestTarget(url: "https://[::1]:8443/a") == RequestTarget(scheme: "https", host: "[::1]:8443", path: "/a?b"))
        #expect(RequestTarget(url: "http://hub.example") == RequestTarget(scheme: "HTTP", host: "hub.example:80", path: ""))
    }

    @Test func aProofForAnotherTokenFails() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        let other = try await fixture.token()
        #expect(await reason { try await fixture.verify(token, proofToken: other) } == "the DPoP proof is for another access token (ath)")
    }

    @Test func aProofWithAnotherKeyFails() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        let reason = await reason { try await fixture.verify(token, key: try DPoPKey.generate()) }
        #expect(reason == "the DPoP proof's key is not the key the token is bound to (cnf.jkt)")
    }

    @Test func aProofOutsideTheWindowFails() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        let stale = await reason { try await fixture.verify(token, issuedAt: AuthFixture.now.addingTimeInterval(-120)) }
        #expect(stale == "the DPoP proof was not made within 60 seconds of now (iat); check the client's clock")
        let future = await reason { try await fixture.verify(token, issuedAt: AuthFixture.now.addingTimeInterval(61)) }
        #expect(future == stale)
        _ = try await fixture.verify(token, issuedAt: AuthFixture.now.addingTimeInterval(-60))
    }

    @Test func aProofIsTakenOnce() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        _ = try await fixture.verify(token, jti: "once")
        #expect(await reason { try await fixture.verify(token, jti: "once", now: AuthFixture.now.addingTimeInterval(30)) }
            == "the DPoP proof was already used (jti)")
        // Past the first proof's window its jti is forgotten (that proof fails the iat check
        // by then), so the cache does not grow forever: a new proof with the jti is taken.
        _ = try await fixture.verify(token, issuedAt: AuthFixture.now.addingTimeInterval(70), jti: "once", now: AuthFixture.now.addingTimeInterval(70))
    }

    @Test func aRefusedRequestDoesNotUseUpItsProof() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        let proof = try await fixture.client.proof(method: "GET", url: AuthFixture.urlText, accessToken: token, now: AuthFixture.now)
        // The same header and claims with another signature: only the signature check fails.
        var parts = proof.split(separator: ".").map(String.init)
        var signature = Array(parts[2])
        signature[10] = signature[10] == "A" ? "B" : "A"
        parts[2] = String(signature)
        let forged = parts.joined(separator: ".")
        let verify = { (proof: String) async throws -> Principal in
            try await fixture.verifier.verify(authorization: "DPoP \(token)", dpop: proof, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        }
        #expect(await reason { try await verify(forged) } == "the DPoP proof's signature does not verify with its jwk")
        _ = try await verify(proof)
    }

    @Test func aMissingOrMalformedProofFails() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        let proof = try await fixture.client.proof(method: "GET", url: AuthFixture.urlText, accessToken: token, now: AuthFixture.now)
        let cases: [(String?, String)] = [
            (nil, "the request has no DPoP proof (DPoP header)"),
            ("\(proof), \(proof)", "the DPoP proof is not a well-formed JWT (send exactly one DPoP header)"),
            (token, "the DPoP proof's typ is not dpop+jwt"),
        ]
        for (header, expected) in cases {
            let reason = await reason {
                try await fixture.verifier.verify(authorization: "DPoP \(token)", dpop: header, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
            }
            #expect(reason == expected)
        }
    }

    @Test(arguments: ["d", "k", "p"])
    func aProofWhoseKeyCarriesAPrivateMemberFails(_ member: String) async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        let proof = try await fixture.client.proof(method: "GET", url: AuthFixture.urlText, accessToken: token, now: AuthFixture.now)
        // The client's own header with one more member in its jwk. The signature no longer
        // matches, but the key is refused before the signature is checked: a proof that leaks
        // its key is refused as such.
        var parts = proof.split(separator: ".").map(String.init)
        let encodedHeader = try #require(Data(base64URLEncoded: parts[0]))
        var header = try #require(try JSONSerialization.jsonObject(with: encodedHeader) as? [String: Any])
        var jwk = try #require(header["jwk"] as? [String: Any])
        jwk[member] = "c2VjcmV0"
        header["jwk"] = jwk
        parts[0] = try JSONSerialization.data(withJSONObject: header).base64URL
        let leaking = parts.joined(separator: ".")
        let reason = await reason {
            try await fixture.verifier.verify(authorization: "DPoP \(token)", dpop: leaking, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        }
        #expect(reason == "the DPoP proof's jwk holds a private key")
    }

    /// Each proof of a client carries the same key; the second and later ones use the key's
    /// cached thumbprint and verifier, with the same outcomes as the first.
    @Test func aKeySeenBeforeIsCheckedAsTheFirstTime() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        _ = try await fixture.verify(token)
        _ = try await fixture.verify(token)
        let foreign = await reason { try await fixture.verify(token, key: try DPoPKey.generate()) }
        #expect(foreign == "the DPoP proof's key is not the key the token is bound to (cnf.jkt)")
        // A proof whose signature another key made fails although its key is known by now.
        let proof = try await fixture.client.proof(method: "GET", url: AuthFixture.urlText, accessToken: token, now: AuthFixture.now)
        let other = try await DPoPKey.generate().proof(method: "GET", url: AuthFixture.urlText, accessToken: token, now: AuthFixture.now)
        let forged = (proof.split(separator: ".").prefix(2) + [other.split(separator: ".")[2]]).joined(separator: ".")
        let reason = await reason {
            try await fixture.verifier.verify(authorization: "DPoP \(token)", dpop: forged, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        }
        #expect(reason == "the DPoP proof's signature does not verify with its jwk")
    }

    @Test func theKeyCacheGivesEveryKeyItsOwnThumbprintAndVerifierWhenItStartsAgain() async throws {
        let cache = DPoPKeyCache(capacity: 2)
        var keys: [DPoPProofKey] = []
        for _ in 0..<3 {
            // The key as a proof's header carries it.
            let proof = try await DPoPKey.generate().proof(method: "GET", url: AuthFixture.urlText, accessToken: nil, now: AuthFixture.now)
            let header = try #require(Data(base64URLEncoded: String(proof.split(separator: ".")[0])))
            let jwk = try #require((try JSONSerialization.jsonObject(with: header) as? [String: Any])?["jwk"] as? [String: String])
            keys.append(DPoPProofKey(members: jwk.mapValues(JSONValue.string)))
        }
        // Past its capacity the cache starts again; every answer stays the key's own.
        for _ in 0..<2 {
            for key in keys {
                let expected = JWK.ecdsa(nil, identifier: nil, x: try #require(key.x), y: try #require(key.y), curve: .p256).thumbprint
                #expect(cache.entry(for: key).thumbprint == expected)
                #expect(await cache.verifier(of: cache.entry(for: key), for: "ES256") != nil)
                // An EC key does not suit RSA, however often it is asked.
                #expect(await cache.verifier(of: cache.entry(for: key), for: "RS256") == nil)
            }
        }
        // A verifier made once is in the entry the next look-up gives.
        _ = await cache.verifier(of: cache.entry(for: keys[2]), for: "ES256")
        #expect(cache.entry(for: keys[2]).verifiers["ES256"] != nil)
        var rsa = keys[0]
        rsa.kty = "oct"
        #expect(cache.entry(for: rsa).thumbprint == nil)
    }

    @Test func aTargetIsNamedByItsOwnSpellingOrAnEqualOne() {
        let target = RequestTarget(scheme: "http", host: "127.0.0.1:8080", path: "/messages")
        #expect(target.isNamed(by: "http://127.0.0.1:8080/messages"))
        #expect(target.isNamed(by: "HTTP://127.0.0.1:8080/messages?x=1"))
        for other in ["http://127.0.0.1:8080/messages/1", "http://127.0.0.1:8080/message", "http://127.0.0.1:8080/messagesx",
                      "https://127.0.0.1:8080/messages", "http://127.0.0.1:8081/messages", "http://127.0.0.1:8080", "", "not a url"] {
            #expect(!target.isNamed(by: other), "\(other)")
        }
    }

    @Test func theReplayCacheIsBoundedAndForgetsExpiredProofs() {
        let cache = DPoPReplayCache(capacity: 2)
        let now = AuthFixture.now
        #expect(cache.record("a", until: now.addingTimeInterval(10), now: now) == .recorded)
        #expect(cache.record("a", until: now.addingTimeInterval(10), now: now) == .replayed)
        #expect(cache.record("b", until: now.addingTimeInterval(20), now: now) == .recorded)
        #expect(cache.record("c", until: now.addingTimeInterval(20), now: now) == .full)
        let later = now.addingTimeInterval(10)
        #expect(cache.record("c", until: later.addingTimeInterval(20), now: later) == .recorded)
        #expect(cache.record("a", until: later.addingTimeInterval(20), now: later) == .full)
        #expect(cache.record("b", until: later.addingTimeInterval(20), now: later) == .replayed)
    }
}

