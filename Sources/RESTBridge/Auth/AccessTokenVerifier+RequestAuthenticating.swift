import Foundation

extension AccessTokenVerifier: RequestAuthenticating {
    package func authenticate(
        authorization: String?, dpop: String?, method: String, url: URL, now: Date
    ) async throws(AuthenticationFailure) -> (herIds: Set<Int>, rateKey: String) {
        guard let target = RequestTarget(url: url.absoluteString) else {
            throw AuthenticationFailure(reason: "the request URL cannot be checked against a DPoP proof",
                                        challenge: #"DPoP error="invalid_request""#)
        }
        do {
            let principal = try await verify(authorization: authorization, dpop: dpop, method: method, url: target, now: now)
            return (Set(principal.herIds), principal.rateKey)
        } catch {
            throw AuthenticationFailure(reason: error.reason, challenge: error.challenge)
        }
    }
}
