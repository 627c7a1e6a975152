import AsyncHTTPClient
import Foundation
import Hub
import Logging
import RESTBridge
import Synchronization
import Testing

/// The HelseID client against a token endpoint that checks what HelseID checks and first asks
/// for a DPoP nonce; time comes from a clock the test moves.
@Suite(.timeLimit(.minutes(1))) struct HelseIDClientTests {
    static let clientId = "hubd-test-client"
    static let scope = "nhn:adresseregisteret/api"
    static let logger = Logger(label: "helseid-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(by seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// A client key file (P-256, with `kid` when given) in a temporary directory.
    static func keyFile(kid: String?) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("helseid-key-\(UUID().uuidString).json")
        try DPoPKey.generate().write(to: file)
        if let kid {
            var jwk = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: file))
            jwk["kid"] = kid
            try JSONEncoder().encode(jwk).write(to: file)
        }
        return file
    }

    /// Runs `test` with a HelseID client of `base`'s token endpoint over a client of its own.
    static func withClient<T: Sendable>(
        keyFile: URL, base: String, clock: Clock, _ test: (HelseIDClient, HTTPClient) async throws -> T
    ) async throws -> T {
        let http = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        do {
            let settings = try #require(HelseIDSettings(tokenURL: base + "/connect/token", clientId: clientId, scope: scope))
            let client = HelseIDClient(
                settings: settings, key: try await ClientAssertionKey.load(from: keyFile), dpopKey: try DPoPKey.generate(),
                httpClient: http, logger: logger, clock: { clock.now })
            let result = try await test(client, http)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    @Test func theNonceIsUsedTheTokenKeptUntilNearExpiryAndEveryCallProved() async throws {
        let clock = Clock()
        let key = try Self.keyFile(kid: "hubd-2026")
        let endpoint = try TokenEndpointDouble(clientId: Self.clientId, clientKey: key, lifetime: "300", now: { clock.now })
        try await endpoint.run { base in
            try await Self.withClient(keyFile: key, base: base, clock: clock) { helseID, _ in
                let url = base + "/api/v1/event?fromSequenceNumber=1"
                let first = try await helseID.credentials(method: "GET", url: url)
                // use_dpop_nonce once, then a token with the nonce.
                #expect(endpoint.seen.nonceRequests == 1)
                #expect(endpoint.seen.tokensIssued == 1)
                #expect(first.authorization == "DPoP token-1")
                let proof = await TokenEndpointDouble.checkProof(
                    first.dpop, method: "GET", url: base + "/api/v1/event", accessToken: "token-1", now: clock.now)
                #expect(proof.problems.isEmpty, "\(proof.problems)")
                #expect(proof.nonce == nil)

                // Kept while more than a minute of it is left.
                clock.advance(by: 239)
                let kept = try await helseID.credentials(method: "GET", url: url)
                #expect(kept.authorization == "DPoP token-1")
                #expect(kept.dpop != first.dpop)
                #expect(endpoint.seen.tokensIssued == 1)

                // A minute before it expires: a new one, with the nonce HelseID gave before.
                clock.advance(by: 1)
                #expect(try await helseID.credentials(method: "GET", url: url).authorization == "DPoP token-2")
                #expect(endpoint.seen.nonceRequests == 1)

                // HelseID rolls its nonce over: asked again, answered again.
                endpoint.newNonce("nonce-2")
                helseID.discardToken()
                #expect(try await helseID.credentials(method: "GET", url: url).authorization == "DPoP token-3")
                #expect(endpoint.seen.nonceRequests == 2)
                #expect(endpoint.seen.problems.isEmpty, "\(endpoint.seen.problems)")
            }
        }
    }

    /// An `expires_in` no clock can hold (HelseID's are minutes) is taken as a day, not
    /// converted as it is, which stopped hubd.
    @Test func aLifetimeTooLongForAnyClockIsTakenAsADay() async throws {
        let clock = Clock()
        let key = try Self.keyFile(kid: "hubd-2026")
        let endpoint = try TokenEndpointDouble(clientId: Self.clientId, clientKey: key, lifetime: "1e19", now: { clock.now })
        try await endpoint.run { base in
            try await Self.withClient(keyFile: key, base: base, clock: clock) { helseID, _ in
                let url = base + "/api/v1/event"
                let first = try await helseID.credentials(method: "GET", url: url)
                #expect(first.authorization == "DPoP token-1")
                clock.advance(by: 86_400)
                let renewed = try await helseID.credentials(method: "GET", url: url)
                #expect(renewed.authorization == "DPoP token-2")
            }
        }
    }

    @Test func aKeyWithoutKidSignsWithoutOne() async throws {
        let clock = Clock()
        let key = try Self.keyFile(kid: nil)
        let endpoint = try TokenEndpointDouble(clientId: Self.clientId, clientKey: key, now: { clock.now })
        try await endpoint.run { base in
            try await Self.withClient(keyFile: key, base: base, clock: clock) { helseID, _ in
                _ = try await helseID.credentials(method: "GET", url: base + "/api/v1/event")
            }
        }
        #expect(endpoint.seen.tokensIssued == 1)
        #expect(endpoint.seen.problems.isEmpty, "\(endpoint.seen.problems)")
    }

    @Test func aRefusalNamesHelseIDsError() async throws {
        let clock = Clock()
        let key = try Self.keyFile(kid: "k")
        let endpoint = try TokenEndpointDouble(clientId: Self.clientId, clientKey: key, refusal: "invalid_client", now: { clock.now })
        try await endpoint.run { base in
            try await Self.withClient(keyFile: key, base: base, clock: clock) { helseID, _ in
                do {
                    _ = try await helseID.credentials(method: "GET", url: base + "/api/v1/event")
                    Issue.record("a refused token request gave credentials")
                } catch {
                    #expect("\(error)" == "HelseID refused the token request (HTTP 400): invalid_client: refused by the test")
                }
            }
        }
    }

    @Test func theAddressRegisterClientSendsTheTokenAndAProofForEachCall() async throws {
        let clock = Clock()
        let key = try Self.keyFile(kid: "k")
        let endpoint = try TokenEndpointDouble(clientId: Self.clientId, clientKey: key, now: { clock.now })
        try await endpoint.run { base in
            try await Self.withClient(keyFile: key, base: base, clock: clock) { helseID, http in
                let ar = AddressRegisterHTTPClient(client: http, baseURL: base + "/", helseID: helseID, logger: Self.logger)
                for _ in 1...2 {
                    let events = try await ar.events(from: 7, limit: 1000)
                    #expect(events.isEmpty)
                }
            }
            let calls = endpoint.seen.apiCalls
            #expect(calls.count == 2)
            #expect(calls.allSatisfy { $0.authorization == "DPoP token-1" })
            #expect(calls.first?.dpop != calls.last?.dpop)
            for call in calls {
                let proof = await TokenEndpointDouble.checkProof(
                    call.dpop, method: "GET", url: base + "/api/v1/event", accessToken: "token-1", now: clock.now)
                #expect(proof.problems.isEmpty, "\(proof.problems)")
            }
        }
        #expect(endpoint.seen.tokensIssued == 1)
    }

    @Test func badKeysAreRefusedNamingTheFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("helseid-bad-\(UUID().uuidString).json")
        try Data(#"{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}"#.utf8).write(to: file)
        await #expect {
            _ = try await ClientAssertionKey.load(from: file)
        } throws: { error in
            "\(error)" == "\(file.path) holds no private key (no d)"
        }
        try Data(#"{"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}"#.utf8).write(to: file)
        await #expect {
            _ = try await ClientAssertionKey.load(from: file)
        } throws: { error in
            "\(error)" == "\(file.path) is neither an RSA key nor an EC key on P-256, P-384 or P-521"
        }
    }
}
