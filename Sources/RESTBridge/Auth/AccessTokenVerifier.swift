import AsyncHTTPClient
import Crypto
import Foundation
import JWTKit
import Logging

/// Checks a REST request's access token and DPoP proof (REST contract §1; NHN message service
/// API §9.2–9.3; RFC 9068, RFC 9449) and says whom the token speaks for.
///
/// ```swift
/// let verifier = AccessTokenVerifier(settings: settings)
/// let principal = try await verifier.verify(
///     authorization: request.headers[.authorization], dpop: request.headers[dpopField],
///     method: "POST", url: RequestTarget(scheme: "https", host: host, path: path), now: Date())
/// ```
///
/// The checks run cheapest first: the `Authorization` header, the token's header and claims,
/// the proof's header and claims, and only then the two signatures (the token's key may have to
/// be fetched). A proof's `jti` is recorded last, once everything else has passed, so a request
/// refused for another reason does not use up its proof.
package struct AccessTokenVerifier: Sendable {
    /// The signature algorithms taken for tokens and proofs; never `none` or an HMAC, whose
    /// "key" would be public.
    package static let algorithms = ["ES256", "RS256", "PS256"]

    package let settings: AuthSettings
    let keys: JWKSProvider
    let replays: DPoPReplayCache
    /// The fleet's record of accepted proofs, when instances share a store; nil for one process.
    let fleetProofs: FleetProofLog?
    let verified = VerifiedTokens()
    let proofKeys = DPoPKeyCache()

    package init(
        settings: AuthSettings, keys: JWKSProvider, replays: DPoPReplayCache = DPoPReplayCache(), fleetProofs: FleetProofLog? = nil
    ) {
        self.settings = settings
        self.keys = keys
        self.replays = replays
        self.fleetProofs = fleetProofs
    }

    /// A verifier with its own key cache for `settings.jwks`, fetched with `httpClient` when it
    /// is a URL.
    package init(settings: AuthSettings, httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "hubd.auth")) {
        self.init(settings: settings, keys: JWKSProvider(source: settings.jwks, httpClient: httpClient, logger: logger))
    }

    /// The principal of a request with these `Authorization` and `DPoP` header values (nil when
    /// absent; pass the `DPoP` header only when there is exactly one), made with `method` to
    /// `url`.
    package func verify(
        authorization: String?, dpop: String?, method: String, url: RequestTarget, now: Date
    ) async throws(AuthFailure) -> Principal {
        let (scheme, text) = try credentials(authorization)
        func refuse(_ reason: String) -> AuthFailure { AuthFailure(.invalidToken, reason, challenging: [scheme]) }
        let digest = Data(SHA256.hash(data: Data(text.utf8)))
        // The proof's `ath`, and the rate limiter's key.
        let hash = digest.base64URLEncoded
        let time = now.timeIntervalSince1970
        var known = verified.facts(for: digest, now: time)
        if let facts = known, let kid = facts.kid, await !keyStillPublished(kid: kid, algorithm: facts.algorithm, now: now) {
            known = nil
        }
        let facts: TokenFacts
        var token: AccessTokenJWS?
        if let known {
            guard time < known.validUntil else { throw refuse("the token has expired") }
            guard time >= known.validFrom else { throw refuse("the token is not valid yet (nbf)") }
            facts = known
        } else {
            guard let parsed = AccessTokenJWS(text) else { throw refuse("the access token is not a well-formed JWT") }
            facts = try check(parsed, presentedAs: scheme, now: now)
            token = parsed
        }

        var proof: CheckedProof?
        switch scheme {
        case .bearer:
            // RFC 9449 §7.1: taking a bound token without proof of its key would let anyone
            // who copied the token use it, which is what binding prevents.
            guard !facts.isBound else {
                throw refuse("the token is bound to a key (cnf) and must be sent as 'Authorization: DPoP' with a DPoP proof")
            }
        case .dpop:
            guard let jkt = facts.jkt else { throw refuse("the token is not bound to a DPoP key (no cnf.jkt)") }
            proof = try await checkProof(dpop, boundTo: jkt, method: method, url: url, ath: hash, now: now)
        }

        if let token {
            if let kid = facts.kid {
                let key: (any JWTAlgorithm)?
                do {
                    key = try await keys.verifier(kid: kid, algorithm: facts.algorithm, now: now)
                } catch {
                    throw refuse("the token issuer's signing keys could not be loaded (hubd's log says why)")
                }
                guard let key else { throw refuse("the token's key (kid) is not one of the issuer's signing keys for its algorithm") }
                guard token.isSigned(by: key) else { throw refuse("the token's signature does not verify with the issuer's key") }
                verified.remember(facts, for: digest, now: time)
            } else {
                // No kid (RFC 7515 makes it optional): any of the issuer's keys for the algorithm
                // may have signed it. Not remembered, since no kid says which key to look for
                // again when the set changes: each request is checked in full.
                let signed: Bool
                do {
                    signed = try await signedByAnyKey(token, algorithm: facts.algorithm, now: now)
                } catch {
                    throw refuse("the token issuer's signing keys could not be loaded (hubd's log says why)")
                }
                guard signed else {
                    throw refuse("the token names no key (kid), and no key of the issuer for its algorithm verifies its signature")
                }
            }
        }

        if let proof {
            try await record(proof, now: now)
        }
        return Principal(herIds: facts.herIds, clientId: facts.clientId, rateKey: hash)
    }

    /// Whether the issuer's key set (refreshed as it ages) still holds the key a remembered
    /// token was signed with.
    /// Whether a key of the set signed `token`, loading the set again once if none did (the
    /// issuer may have rotated its keys).
    private func signedByAnyKey(_ token: AccessTokenJWS, algorithm: String, now: Date) async throws(AuthConfigurationError) -> Bool {
        for reloading in [false, true] {
            let candidates = try await keys.verifiers(algorithm: algorithm, reloading: reloading, now: now)
            if candidates.contains(where: { token.isSigned(by: $0) }) { return true }
        }
        return false
    }

    private func keyStillPublished(kid: String, algorithm: String, now: Date) async -> Bool {
        do {
            return try await keys.verifier(kid: kid, algorithm: algorithm, now: now) != nil
        } catch {
            return false
        }
    }

    /// The scheme and token of an `Authorization` header, in a scheme the settings take.
    private func credentials(_ authorization: String?) throws(AuthFailure) -> (AuthFailure.Scheme, String) {
        let offered: [AuthFailure.Scheme] = settings.dpop == .optional ? [.dpop, .bearer] : [.dpop]
        guard let authorization, !authorization.isEmpty else {
            throw AuthFailure(nil, "the request has no Authorization header", challenging: offered)
        }
        // Byte-wise: the header is ASCII, and a token is long enough for Character-wise string
        // handling to show in every request's cost.
        let bytes = authorization.utf8
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
              let start = bytes[space...].firstIndex(where: { !isBlank($0) }),
              let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            throw AuthFailure(.invalidRequest, "the Authorization header is not '<scheme> <token>'", challenging: offered)
        }
        let token = String(Substring(bytes[start...last]))
        switch String(Substring(bytes[..<space])).lowercased() {
        case "dpop":
            return (.dpop, token)
        case "bearer" where settings.dpop == .optional:
            return (.bearer, token)
        case "bearer":
            throw AuthFailure(nil, "the token must be sent as 'Authorization: DPoP <token>' with a DPoP proof; Bearer is not accepted", challenging: offered)
        default:
            throw AuthFailure(nil, "the Authorization scheme is neither DPoP nor Bearer", challenging: offered)
        }
    }

    /// What the access token's header and claims say, once they pass the checks that need no key.
    struct TokenFacts: Sendable {
        var algorithm: String
        /// The token's `kid`; nil when it names none.
        var kid: String?
        var herIds: [Int]
        /// `client_id`, else `sub`; nil when the token has neither (the contract asks for none).
        var clientId: String?
        var isBound: Bool
        var jkt: String?
        /// The window in which the token is valid, leeway included (seconds since 1970).
        var validFrom: TimeInterval
        var validUntil: TimeInterval
    }

    private func check(_ token: AccessTokenJWS, presentedAs scheme: AuthFailure.Scheme, now: Date) throws(AuthFailure) -> TokenFacts {
        func refuse(_ reason: String) -> AuthFailure { AuthFailure(.invalidToken, reason, challenging: [scheme]) }
        guard let algorithm = token.header.alg, Self.algorithms.contains(algorithm) else {
            throw refuse("the token is not signed with ES256, RS256 or PS256")
        }
        if let typ = token.header.fields["typ"] {
            guard let typ = typ.asString?.lowercased(), ["at+jwt", "application/at+jwt", "jwt"].contains(typ) else {
                throw refuse("the token's typ is neither at+jwt nor JWT")
            }
        }
        let kid = token.header.kid

        let claims = token.claims
        guard claims.string("iss") == settings.issuer else { throw refuse("the token is from another issuer (iss)") }
        guard claims.strings("aud")?.contains(settings.audience) == true else {
            throw refuse("the token is not for audience \(settings.audience) (aud)")
        }
        let time = now.timeIntervalSince1970
        guard let expiry = claims.number("exp") else { throw refuse("the token has no expiry time (exp)") }
        guard time < expiry + settings.leeway else { throw refuse("the token has expired") }
        var validFrom = -TimeInterval.infinity
        if claims["nbf"] != nil {
            guard let notBefore = claims.number("nbf") else { throw refuse("the token's nbf is not a time") }
            guard time + settings.leeway >= notBefore else { throw refuse("the token is not valid yet (nbf)") }
            validFrom = notBefore - settings.leeway
        }
        let scopes: [String]? =
            switch claims["scope"] {
            case .string(let text): text.split(separator: " ").map(String.init)
            default: claims.strings("scope")
            }
        guard scopes?.contains(settings.requiredScope) == true else { throw refuse("the token lacks the scope \(settings.requiredScope)") }

        guard let herIdClaim = claims[settings.herIdClaim] else { throw refuse("the token has no HER-id claim (\(settings.herIdClaim))") }
        guard let herIds = Principal.herIds(in: herIdClaim) else {
            throw refuse("the token's HER-id claim (\(settings.herIdClaim)) holds something other than HER-ids")
        }
        let clientId = (claims.string("client_id") ?? claims.string("sub")).flatMap { $0.isEmpty ? nil : $0 }
        return TokenFacts(
            algorithm: algorithm, kid: kid, herIds: herIds, clientId: clientId,
            isBound: claims["cnf"] != nil, jkt: claims["cnf"]?.asObject?["jkt"]?.asString,
            validFrom: validFrom, validUntil: expiry + settings.leeway)
    }
}
