import Foundation

/// Checks a request's credentials (HelseID's DPoP-bound access tokens in hubd) and says
/// which HER-ids the caller acts for.
package protocol RequestAuthenticating: Sendable {
    /// - Parameters:
    ///   - scheme, host, path: the URL the client called (host with its port, path without
    ///     query): what a DPoP proof's `htu` names.
    /// - Returns: the HER-ids of the token's claim and a key per token for the rate limit.
    func authenticate(
        authorization: String?, dpop: String?, method: String, scheme: String, host: String, path: String, now: Date
    ) async throws(AuthenticationFailure) -> (herIds: Set<Int>, rateKey: String)
}

/// Why a request's credentials were not accepted: a 401 with this challenge.
package struct AuthenticationFailure: Error, Sendable {
    /// For the log and the problem's detail: never a token's content.
    package var reason: String
    /// The `WWW-Authenticate` value.
    package var challenge: String

    package init(reason: String, challenge: String) {
        self.reason = reason
        self.challenge = challenge
    }
}
