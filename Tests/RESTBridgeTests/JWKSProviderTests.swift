import Foundation
import RESTBridge
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(2)))
struct JWKSProviderTests {
    /// A loader that serves whatever `document` holds and counts its calls.
    final class CountingLoader: Sendable {
        let document: Mutex<Data?>
        let calls = Mutex(0)

        init(_ document: Data?) { self.document = Mutex(document) }

        func load() throws(AuthConfigurationError) -> Data {
            calls.withLock { $0 += 1 }
            guard let data = document.withLock({ $0 }) else { throw AuthConfigurationError("the test JWKS is unavailable") }
            return data
        }
    }

    private func verifier(_ fixture: AuthFixture, loader: CountingLoader, maximumAge: TimeInterval = 3600) throws -> AccessTokenVerifier {
        let keys = JWKSProvider(source: "test", maximumAge: maximumAge) { () throws(AuthConfigurationError) in try loader.load() }
        return AccessTokenVerifier(settings: fixture.verifier.settings, keys: keys)
    }

    private func verify(_ verifier: AccessTokenVerifier, _ fixture: AuthFixture, token: String, at now: Date) async throws -> Principal {
        let proof = try await fixture.client.proof(method: "GET", url: AuthFixture.urlText, accessToken: token, now: now)
        return try await verifier.verify(authorization: "DPoP \(token)", dpop: proof, method: "GET", url: AuthFixture.url, now: now)
    }

    private func reason(_ body: () async throws -> Principal) async -> String? {
        do {
            _ = try await body()
            Issue.record("expected an AuthFailure")
        } catch {
            return (error as? AuthFailure)?.reason
        }
        return nil
    }

    @Test func anUnknownKidRereadsTheFileAtMostOnceIn30Seconds() async throws {
        let fixture = try AuthFixture()
        let start = AuthFixture.now
        let first = try await fixture.token(now: start)
        _ = try await fixture.verify(first, now: start)

        // `hubd auth init` again: a new key with a new kid.
        let rotated = try LocalAuthority.create(in: fixture.directory, issuer: AuthFixture.issuer)
        #expect(rotated.keyId != fixture.authority.keyId)
        let second = try await rotated.token(herIds: [10037002], dpopKey: fixture.client, now: start)
        let soon = start.addingTimeInterval(10)
        let unknown = await reason { try await fixture.verify(second, issuedAt: soon, now: soon) }
        #expect(unknown == "the token's key (kid) is not one of the issuer's signing keys for its algorithm")

        let later = start.addingTimeInterval(31)
        #expect(try await fixture.verify(second, issuedAt: later, now: later).herIds == [10037002])
        // The old key left the file with the rotation, and with it hubd's trust.
        #expect(await reason { try await fixture.verify(first, issuedAt: later, now: later) } != nil)

        let third = try await LocalAuthority.create(in: fixture.directory, issuer: AuthFixture.issuer)
            .token(herIds: [10037002], dpopKey: fixture.client, now: start)
        let notYet = start.addingTimeInterval(50)
        #expect(await reason { try await fixture.verify(third, issuedAt: notYet, now: notYet) } == unknown)
        let then = start.addingTimeInterval(62)
        #expect(try await fixture.verify(third, issuedAt: then, now: then).herIds == [10037002])
    }

    @Test func tokensWithMadeUpKidsDoNotMakeHubdFetchAgainAndAgain() async throws {
        let fixture = try AuthFixture()
        let loader = CountingLoader(try Data(contentsOf: fixture.authority.jwksFile))
        let verifier = try verifier(fixture, loader: loader)
        let other = try AuthFixture()
        let foreign = try await other.authority.token(herIds: [10037002], dpopKey: fixture.client, now: AuthFixture.now)
        for second in 0..<20 {
            let now = AuthFixture.now.addingTimeInterval(Double(second))
            #expect(await reason { try await verify(verifier, fixture, token: foreign, at: now) } != nil)
        }
        #expect(loader.calls.withLock { $0 } == 1)
        _ = await reason { try await verify(verifier, fixture, token: foreign, at: AuthFixture.now.addingTimeInterval(30)) }
        #expect(loader.calls.withLock { $0 } == 2)
        // A known kid never costs a fetch.
        _ = try await verify(verifier, fixture, token: try await fixture.token(), at: AuthFixture.now.addingTimeInterval(40))
        #expect(loader.calls.withLock { $0 } == 2)
    }

    @Test func keySetsAreFetchedThroughTheLoaderAndRefreshedWhenOld() async throws {
        let fixture = try AuthFixture()
        let loader = CountingLoader(nil)
        let verifier = try verifier(fixture, loader: loader, maximumAge: 600)
        let token = try await fixture.token()
        let unavailable = await reason { try await verify(verifier, fixture, token: token, at: AuthFixture.now) }
        #expect(unavailable == "the token issuer's signing keys could not be loaded (hubd's log says why)")

        loader.document.withLock { $0 = try? Data(contentsOf: fixture.authority.jwksFile) }
        let later = AuthFixture.now.addingTimeInterval(30)
        #expect(try await verify(verifier, fixture, token: token, at: later).herIds == [10037002, 10037004])

        // Once the cache is old it is fetched again. A fetch that fails keeps the keys hubd had…
        loader.document.withLock { $0 = Data(#"{"keys": []}"#.utf8) }
        let old = later.addingTimeInterval(600)
        let fresh = try await fixture.token(now: old)
        #expect(try await verify(verifier, fixture, token: fresh, at: old).herIds.count == 2)
        // …and one that succeeds replaces them: a key the issuer withdrew is no longer trusted.
        let other = try AuthFixture()
        loader.document.withLock { $0 = try? Data(contentsOf: other.authority.jwksFile) }
        let refreshed = old.addingTimeInterval(30)
        let withdrawn = await reason { try await verify(verifier, fixture, token: fresh, at: refreshed) }
        #expect(withdrawn == "the token's key (kid) is not one of the issuer's signing keys for its algorithm")
        #expect(loader.calls.withLock { $0 } == 4)
    }

    @Test func loadReportsWhatIsWrong() async throws {
        let missing = JWKSProvider(source: .file("/nonexistent/jwks.json"))
        await #expect(throws: AuthConfigurationError.self) { try await missing.load(now: AuthFixture.now) }
        let notASet = JWKSProvider(source: "test") { () throws(AuthConfigurationError) in Data(#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#.utf8) }
        do {
            try await notASet.load(now: AuthFixture.now)
            Issue.record("a key set without public signing keys loaded")
        } catch {
            #expect(error.description == "test holds no ES256, RS256 or PS256 public key")
        }
    }

    @Test func theKeySetIsFetchedOverHTTPSOnly() throws {
        #expect(throws: AuthConfigurationError.self) { try AuthSettings.JWKSSource(parsing: "http://helseid.example/jwks") }
        #expect(throws: AuthConfigurationError.self) {
            try AuthSettings(jwks: .url(URL(fileURLWithPath: "/tmp/jwks.json")), issuer: "https://helseid.example")
        }
        let url = try AuthSettings.JWKSSource(parsing: "https://helseid-sts.test.nhn.no/.well-known/openid-configuration/jwks")
        #expect(url == .url(try #require(URL(string: "https://helseid-sts.test.nhn.no/.well-known/openid-configuration/jwks"))))
        #expect(try AuthSettings.JWKSSource(parsing: ".run/auth/jwks.json") == .file(".run/auth/jwks.json"))
    }
}
