import Foundation

extension AccessTokenVerifier: RequestAuthenticating {
    package func authenticate(
        authorization: String?, dpop: String?, method: String, scheme: String, host: String, path: String, now: Date
    ) async throws(AuthenticationFailure) -> (herIds: Set<Int>, rateKey: String) {
        do {
            let target = RequestTarget(scheme: scheme, host: host, path: path)
            let principal = try await verify(authorization: authorization, dpop: dpop, method: method, url: target, now: now)
            return (Set(principal.herIds), principal.rateKey)
        } catch {
            throw AuthenticationFailure(reason: error.reason, challenge: error.challenge)
        }
    }
}
