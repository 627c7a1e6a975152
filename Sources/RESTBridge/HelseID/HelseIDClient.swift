import AsyncHTTPClient
import Foundation
import JWTKit
import Logging
import NIOCore
import Synchronization

/// Access tokens from HelseID for calling NHN's APIs (AR, the message service, ...): the
/// client-credentials grant with a client assertion (`private_key_jwt`, signed with the client's
/// JWK) and a DPoP proof (RFC 9449) made with a key of this process.
///
/// A token is kept until `renewBefore` ahead of its expiry and then fetched anew. When the token
/// endpoint answers `use_dpop_nonce`, the request is made once more with the nonce it gave (and
/// that nonce is used from then on). A DPoP-bound token (`token_type` `DPoP`) goes out as
/// `Authorization: DPoP` with a proof for each call; a plain one as `Bearer`.
///
/// ```swift
/// let helseID = HelseIDClient(settings: settings, key: try await ClientAssertionKey.load(from: keyFile),
///                             dpopKey: try DPoPKey.generate(), httpClient: httpClient, logger: logger)
/// let credentials = try await helseID.credentials(method: "GET", url: "https://ar.example/api/v1/event")
/// credentials.apply(to: &request)
/// ```
///
/// Two calls that find no usable token at once may both fetch one; the later one is kept.
package final class HelseIDClient: Sendable {
    private struct Token {
        var value: String
        var bound: Bool
        /// From then on a new one is fetched.
        var renewAt: Date
    }

    private let settings: HelseIDSettings
    private let key: ClientAssertionKey
    private let dpopKey: DPoPKey
    private let client: HTTPClient
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let state = Mutex<(token: Token?, nonce: String?)>((nil, nil))

    /// The most of a token endpoint's answer read: a token and a few fields.
    private static let answerLimit = 256 * 1024

    /// - Parameters:
    ///   - dpopKey: the key tokens are bound to and proofs are signed with.
    ///   - clock: the time tokens are judged and assertions and proofs are dated by.
    package init(
        settings: HelseIDSettings, key: ClientAssertionKey, dpopKey: DPoPKey, httpClient: HTTPClient, logger: Logger,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.settings = settings
        self.key = key
        self.dpopKey = dpopKey
        client = httpClient
        self.logger = logger
        self.clock = clock
    }

    /// What a call with `method` to `url` carries: a token (kept or fetched now) and, for a
    /// DPoP-bound token, a proof for this call.
    package func credentials(method: String, url: String) async throws(HelseIDError) -> HelseIDCredentials {
        let now = clock()
        let kept = state.withLock { state in state.token.flatMap { now < $0.renewAt ? $0 : nil } }
        let token: Token
        if let kept { token = kept } else { token = try await fetchToken() }
        guard token.bound else { return HelseIDCredentials(authorization: "Bearer \(token.value)", dpop: nil) }
        do {
            let proof = try await dpopKey.proof(method: method, url: url, accessToken: token.value, now: now)
            return HelseIDCredentials(authorization: "DPoP \(token.value)", dpop: proof)
        } catch {
            throw HelseIDError("cannot make a DPoP proof: \(error)")
        }
    }

    /// Forgets the kept token: the API refused it (revoked, or HelseID's keys rolled over), so
    /// the next call fetches a new one.
    package func discardToken() {
        state.withLock { $0.token = nil }
    }

    // MARK: The token endpoint

    private enum Answer {
        case token(Token)
        case nonce(String)
    }

    private func fetchToken() async throws(HelseIDError) -> Token {
        var nonce = state.withLock { $0.nonce }
        // One more try when HelseID asks for a (new) nonce; a second request for one is an error.
        for attempt in 1...2 {
            switch try await requestToken(nonce: nonce) {
            case .token(let token):
                state.withLock { $0.token = token }
                return token
            case .nonce(let fresh) where attempt == 1:
                state.withLock { $0.nonce = fresh }
                nonce = fresh
            case .nonce:
                break
            }
        }
        throw HelseIDError("HelseID at \(settings.tokenURL) asked for a new DPoP nonce twice in a row")
    }

    private func requestToken(nonce: String?) async throws(HelseIDError) -> Answer {
        let now = clock()
        var request = HTTPClientRequest(url: settings.tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "hubd")
        do {
            request.headers.add(name: "DPoP", value: try await dpopKey.proof(
                method: "POST", url: settings.tokenURL, accessToken: nil, nonce: nonce, now: now))
            request.body = .bytes(ByteBuffer(string: Self.form([
                ("grant_type", "client_credentials"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", try await assertion(now: now)),
                ("scope", settings.scope),
            ])))
        } catch {
            throw HelseIDError("cannot sign the token request: \(error)")
        }
        let status: UInt
        let nonceHeader: String?
        let body: ByteBuffer
        do {
            let answer = try await HTTPAnswer.fetch(request, with: client, timeout: settings.timeout, limit: Self.answerLimit)
            status = answer.status
            body = answer.body
            nonceHeader = answer.headers.first(name: "DPoP-Nonce")
        } catch {
            logger.debug("HelseID token request failed", metadata: ["error": "\(error)"])
            throw HelseIDError(HTTPFailureReason.describe(error, timeout: settings.timeout, host: "HelseID at \(settings.tokenURL)"))
        }
        let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(buffer: body))
        switch status {
        case 200..<300:
            guard let answer, let value = answer.accessToken, !value.isEmpty else {
                throw HelseIDError("HelseID answered HTTP \(status) without an access_token")
            }
            // HelseID's tokens live minutes. A lifetime that is no positive number, or is over a
            // day, is taken as 300 s or a day: any number in the answer then stays a usable time.
            let lifetime = answer.expiresIn.flatMap { $0.isFinite && $0 > 0 ? min($0, 86_400) : nil } ?? 300
            let bound = answer.tokenType?.caseInsensitiveCompare("DPoP") == .orderedSame
            logger.info("HelseID token fetched", metadata: [
                "client_id": "\(settings.clientId)", "expires_in": "\(Int(lifetime))", "token_type": "\(bound ? "DPoP" : "Bearer")",
            ])
            let received = clock()
            return .token(Token(
                value: value, bound: bound, renewAt: received.addingTimeInterval(lifetime - min(settings.renewBefore, lifetime / 2))))
        case 400...401 where answer?.error == "use_dpop_nonce":
            guard let nonceHeader, !nonceHeader.isEmpty else {
                throw HelseIDError("HelseID asked for a DPoP nonce (use_dpop_nonce) without a DPoP-Nonce header")
            }
            return .nonce(nonceHeader)
        default:
            let reason = [answer?.error, answer?.errorDescription].compactMap { $0 }.joined(separator: ": ")
            throw HelseIDError("HelseID refused the token request (HTTP \(status))" + (reason.isEmpty ? "" : ": \(reason)"))
        }
    }

    /// The client assertion: issued by and about the client, for HelseID, valid for a minute
    /// (HelseID takes no more), used once (`jti`).
    private func assertion(now: Date) async throws(AuthConfigurationError) -> String {
        let issued = Int(now.timeIntervalSince1970)
        let claims = JWTClaims([
            "iss": .string(settings.clientId), "sub": .string(settings.clientId), "aud": .string(settings.audience),
            "jti": .string(UUID().uuidString), "iat": .int(issued), "nbf": .int(issued), "exp": .int(issued + 60),
        ])
        return try await key.sign(claims, typ: "client-authentication+jwt")
    }

    /// `application/x-www-form-urlencoded` of `fields`.
    private static func form(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}

/// A token endpoint's answer, success (RFC 6749 §5.1) or error (§5.2).
private struct TokenAnswer: Decodable {
    var accessToken: String?
    var tokenType: String?
    var expiresIn: Double?
    var error: String?
    var errorDescription: String?

    private enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in", error
        case errorDescription = "error_description"
    }
}
