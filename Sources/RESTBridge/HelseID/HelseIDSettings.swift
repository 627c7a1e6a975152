import Foundation

/// A HelseID client for machine-to-machine calls (client credentials): where HelseID's token
/// endpoint is, who the client is, and what it asks for.
package struct HelseIDSettings: Sendable {
    /// The token endpoint, e.g. `https://helseid-sts.test.nhn.no/connect/token`.
    package var tokenURL: String
    /// The client's `client_id` from HelseID's self-service.
    package var clientId: String
    /// The scopes asked for, space-separated (AR's scope for the registry sync).
    package var scope: String
    /// The client assertion's `aud`: HelseID's issuer, which is the token endpoint's origin
    /// (`https://helseid-sts.test.nhn.no`).
    package var audience: String
    /// A token is fetched anew this long before it expires, so no call carries one that runs
    /// out on its way.
    package var renewBefore: TimeInterval
    /// How long one token request may take.
    package var timeout: Duration

    /// Nil when `tokenURL` is not an absolute http(s) URL.
    package init?(tokenURL: String, clientId: String, scope: String, renewBefore: TimeInterval = 60, timeout: Duration = .seconds(30)) {
        guard let url = URL(string: tokenURL), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host, !host.isEmpty else { return nil }
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.scope = scope
        audience = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        self.renewBefore = renewBefore
        self.timeout = timeout
    }
}
