import Foundation
import JWTKit
import RESTBridge
import Testing

@Suite(.timeLimit(.minutes(2)))
struct AccessTokenVerifierTests {
    /// The failure `body` throws; records an issue when it throws none or another error.
    private func failure(_ body: () async throws -> Principal) async -> AuthFailure? {
        do {
            let principal = try await body()
            Issue.record("expected an AuthFailure, got \(principal)")
        } catch let failure as AuthFailure {
            return failure
        } catch {
            Issue.record("expected an AuthFailure, got \(error)")
        }
        return nil
    }

    @Test func aValidDPoPBoundTokenPasses() async throws {
        let fixture = try AuthFixture()
        let principal = try await fixture.verify(try await fixture.token())
        #expect(principal.herIds == [10037002, 10037004])
        #expect(principal.clientId == "hubd-local")
        #expect(principal.rateKey.count == 43)
    }

    /// A token seen before is not checked against its signature again, but its window, its
    /// binding and a fresh proof still are.
    @Test func aRememberedTokenStillExpiresAndStillNeedsItsOwnFreshProof() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token()
        _ = try await fixture.verify(token)
        let soon = AuthFixture.now.addingTimeInterval(1)
        #expect(try await fixture.verify(token, issuedAt: soon, now: soon).herIds == [10037002, 10037004])
        let replayed = UUID().uuidString
        _ = try await fixture.verify(token, issuedAt: soon, jti: replayed, now: soon)
        #expect(await failure { try await fixture.verify(token, issuedAt: soon, jti: replayed, now: soon) }?.reason.contains("already") == true)
        // A store may not take a NUL, and no client sends control characters.
        #expect(await failure { try await fixture.verify(token, issuedAt: soon, jti: "j\u{0}1", now: soon) }?.reason
                == "the DPoP proof's jti holds control characters")
        #expect(await failure { try await fixture.verify(token, key: try DPoPKey.generate(), issuedAt: soon, now: soon) } != nil)
        let late = AuthFixture.now.addingTimeInterval(3600 + 6)
        #expect(await failure { try await fixture.verify(token, issuedAt: late, now: late) }?.reason == "the token has expired")
    }

    @Test(arguments: ["10037002-10037004", "10037002,10037004", "10037002, 10037004,10037002"])
    func herIdsAreReadFromAString(_ claim: String) async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.signed(fixture.claims([AuthSettings.defaultHerIdClaim: .string(claim)]))
        #expect(try await fixture.verify(token).herIds == [10037002, 10037004])
    }

    @Test func herIdsAreReadFromAnArrayOfStrings() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.signed(fixture.claims([AuthSettings.defaultHerIdClaim: ["10037002", 10037004]]))
        #expect(try await fixture.verify(token).herIds == [10037002, 10037004])
    }

    @Test func aNationalIdentityNumberIsNoHerIdAndIsNotRepeated() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.signed(fixture.claims([AuthSettings.defaultHerIdClaim: .string("10037002-20835622828")]))
        let failure = await failure { try await fixture.verify(token) }
        #expect(failure?.reason.contains("HER-id") == true)
        #expect(failure?.reason.contains("20835622828") == false && failure?.challenge.contains("20835622828") == false)
    }

    @Test func aSignatureByAnotherKeyWithTheSameKidFails() async throws {
        let fixture = try AuthFixture()
        let other = try AuthFixture()
        let token = try await fixture.signed(fixture.claims(), keyFrom: other.directory)
        #expect(await failure { try await fixture.verify(token) }?.reason == "the token's signature does not verify with the issuer's key")
    }

    @Test(arguments: [
        ("iss", JWTHeaderField.string("someone-else"), "the token is from another issuer (iss)"),
        ("aud", .array(["nhn:other", "nhn:msh2"]), "the token is not for audience nhn:msh (aud)"),
        ("exp", .int(Int(AuthFixture.now.timeIntervalSince1970) - 6), "the token has expired"),
        ("exp", .null, "the token has no expiry time (exp)"),
        ("nbf", .int(Int(AuthFixture.now.timeIntervalSince1970) + 6), "the token is not valid yet (nbf)"),
        ("scope", .string("nhn:msh/other openid"), "the token lacks the scope nhn:msh/api"),
        ("scope", .null, "the token lacks the scope nhn:msh/api"),
        (AuthSettings.defaultHerIdClaim, .null, "the token has no HER-id claim (nhn:msh/client/claims/herid)"),
    ])
    func aClaimOutsideTheRulesFails(claim: String, value: JWTHeaderField, reason: String) async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.signed(fixture.claims([claim: value]))
        let failure = await failure { try await fixture.verify(token) }
        #expect(failure?.reason == reason)
        #expect(failure?.code == .invalidToken)
        #expect(failure?.challenge == "DPoP algs=\"ES256 RS256 PS256\", error=\"invalid_token\", error_description=\"\(reason)\"")
    }

    @Test func leewayAndClaimShapesAreHonoured() async throws {
        let fixture = try AuthFixture()
        let time = Int(AuthFixture.now.timeIntervalSince1970)
        let token = try await fixture.signed(fixture.claims([
            "exp": .int(time - 4), "nbf": .int(time + 4), "aud": ["other", "nhn:msh"], "scope": ["openid", "nhn:msh/api"],
            "client_id": .null, "sub": "subject-client",
        ]))
        #expect(try await fixture.verify(token).clientId == "subject-client")
    }

    /// The contract asks for neither a `kid` nor a client claim: a token without them is checked
    /// against every key of the set for its algorithm, and a set's keys need no `kid` either.
    @Test func aTokenWithoutKidOrClientIsCheckedAgainstTheIssuersKeys() async throws {
        let fixture = try AuthFixture()
        let claims = fixture.claims(["client_id": .null])
        func signedWithoutKid(keyFrom directory: URL) async throws -> String {
            let pem = try Data(contentsOf: directory.appendingPathComponent(LocalAuthority.signingKeyName))
            let keys = JWTKeyCollection()
            await keys.add(ecdsa: try ES256PrivateKey(pem: pem))
            return try await keys.sign(TestClaims(claims), header: ["typ": "at+jwt"])
        }
        let token = try await signedWithoutKid(keyFrom: fixture.directory)
        let principal = try await fixture.verify(token)
        #expect(principal.herIds == [10037002])
        #expect(principal.clientId == nil)

        // Signed by a key the issuer never published: no key of the set verifies it.
        let stranger = try AuthFixture()
        let forged = try await signedWithoutKid(keyFrom: stranger.directory)
        #expect(await failure { try await fixture.verify(forged) }?.reason
            == "the token names no key (kid), and no key of the issuer for its algorithm verifies its signature")

        // A key set whose key has no kid verifies the token too.
        var set = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.authority.jwksFile)) as? [String: Any] ?? [:]
        set["keys"] = (set["keys"] as? [[String: Any]] ?? []).map { $0.filter { $0.key != "kid" } }
        let unnamed = fixture.directory.appendingPathComponent("jwks-without-kid.json")
        try JSONSerialization.data(withJSONObject: set).write(to: unnamed)
        let verifier = AccessTokenVerifier(settings: try AuthSettings(jwks: .file(unnamed.path), issuer: AuthFixture.issuer))
        let proof = try await fixture.client.proof(method: "GET", url: AuthFixture.urlText, accessToken: token, now: AuthFixture.now)
        let verified = try await verifier.verify(authorization: "DPoP \(token)", dpop: proof, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        #expect(verified.herIds == [10037002])
    }

    @Test func aTokenTypeOtherThanAnAccessTokenFails() async throws {
        let fixture = try AuthFixture()
        #expect(try await fixture.verify(try await fixture.signed(fixture.claims(), typ: "JWT")).herIds == [10037002])
        let token = try await fixture.signed(fixture.claims(), typ: "dpop+jwt")
        #expect(await failure { try await fixture.verify(token) }?.reason == "the token's typ is neither at+jwt nor JWT")
    }

    @Test func anUnsignedTokenFails() async throws {
        let fixture = try AuthFixture()
        let header = try JSONEncoder().encode(["alg": "none", "typ": "at+jwt", "kid": fixture.authority.keyId]).base64URL
        let token = "\(header).\(try JSONEncoder().encode(fixture.claims()).base64URL)."
        #expect(await failure { try await fixture.verify(token) }?.reason == "the token is not signed with ES256, RS256 or PS256")
    }

    @Test func anHMACTokenFails() async throws {
        let fixture = try AuthFixture()
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: fixture.authority.keyId)
        await keys.add(hmac: HMACKey(from: "a secret anyone could know, 32 bytes or more"), digestAlgorithm: .sha256, kid: kid)
        let token = try await keys.sign(TestClaims(fixture.claims()), kid: kid, header: ["typ": "at+jwt"])
        #expect(await failure { try await fixture.verify(token) }?.reason == "the token is not signed with ES256, RS256 or PS256")
    }

    @Test func bearerIsRefusedWhenDPoPIsRequired() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token(bound: false)
        let failure = await failure {
            try await fixture.verifier.verify(authorization: "Bearer \(token)", dpop: nil, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        }
        #expect(failure?.code == nil)
        #expect(failure?.challenge == "DPoP algs=\"ES256 RS256 PS256\"")
    }

    @Test func withoutAuthorizationTheChallengeNamesTheSchemes() async throws {
        let required = try AuthFixture()
        let optional = try AuthFixture(dpop: .optional)
        let noHeader = await failure {
            try await required.verifier.verify(authorization: nil, dpop: nil, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        }
        #expect(noHeader?.challenge == "DPoP algs=\"ES256 RS256 PS256\"")
        let either = await failure {
            try await optional.verifier.verify(authorization: nil, dpop: nil, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        }
        #expect(either?.challenge == "DPoP algs=\"ES256 RS256 PS256\", Bearer")
    }

    @Test func bearerIsTakenWhenDPoPIsOptionalUnlessTheTokenIsBound() async throws {
        let fixture = try AuthFixture(dpop: .optional)
        let unbound = try await fixture.token(bound: false)
        let principal = try await fixture.verifier.verify(
            authorization: "Bearer \(unbound)", dpop: nil, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        #expect(principal.herIds == [10037002, 10037004])

        let bound = try await fixture.token()
        let failure = await failure {
            try await fixture.verifier.verify(authorization: "bearer \(bound)", dpop: nil, method: "GET", url: AuthFixture.url, now: AuthFixture.now)
        }
        #expect(failure?.reason == "the token is bound to a key (cnf) and must be sent as 'Authorization: DPoP' with a DPoP proof")
        #expect(failure?.challenge.hasPrefix("Bearer error=\"invalid_token\"") == true)
        // The bound token still works the way it is meant to.
        #expect(try await fixture.verify(bound).herIds == [10037002, 10037004])
    }

    @Test func anUnboundTokenSentWithDPoPFails() async throws {
        let fixture = try AuthFixture()
        let token = try await fixture.token(bound: false)
        #expect(await failure { try await fixture.verify(token) }?.reason == "the token is not bound to a DPoP key (no cnf.jkt)")
    }
}
