import Foundation

/// How hubd checks the access tokens on REST calls (REST contract §1).
///
/// ```swift
/// let settings = try AuthSettings(
///     jwks: try AuthSettings.JWKSSource(parsing: "https://helseid-sts.test.nhn.no/.well-known/openid-configuration/jwks"),
///     issuer: "https://helseid-sts.test.nhn.no")
/// ```
package struct AuthSettings: Sendable {
    /// Where the issuer's public signing keys (a JSON Web Key Set) are.
    package enum JWKSSource: Sendable, Equatable, CustomStringConvertible {
        /// A JWKS file, read again when a token names a key it does not hold.
        case file(String)
        /// An `https` URL, fetched and cached.
        case url(URL)

        /// `HUBD_AUTH_JWKS`: an `https://` URL, or else a file path. Any other URL scheme is
        /// refused, because keys fetched over plain HTTP could be swapped on the way.
        package init(parsing text: String) throws(AuthConfigurationError) {
            guard text.contains("://") else {
                guard !text.isEmpty else { throw AuthConfigurationError("the JWKS location is empty; give a file path or an https:// URL") }
                self = .file(text)
                return
            }
            guard let url = URL(string: text) else { throw AuthConfigurationError("the JWKS location \(text) is not a valid URL") }
            self = .url(url)
            try check()
        }

        package var description: String {
            switch self {
            case .file(let path): path
            case .url(let url): url.absoluteString
            }
        }

        fileprivate func check() throws(AuthConfigurationError) {
            guard case .url(let url) = self else { return }
            guard url.scheme?.lowercased() == "https", url.host?.isEmpty == false else {
                throw AuthConfigurationError("the JWKS URL \(url.absoluteString) is not an https URL with a host; keys are fetched over https only")
            }
        }
    }

    /// Whether a request must prove possession of the key its token is bound to.
    package enum DPoPMode: String, Sendable, CaseIterable {
        /// `Authorization: DPoP` with a `DPoP` proof; `Bearer` is refused. HelseID's tokens for
        /// NHN's APIs are DPoP-bound, so this is the default.
        case required
        /// `Bearer` is accepted as well, for tokens that are not bound to a key.
        case optional
    }

    /// The claim HelseID puts a client's HER-ids in: API-specific claims are prefixed with the
    /// audience (NHN message service API §9.1).
    package static let defaultHerIdClaim = "nhn:msh/client/claims/herid"

    package let jwks: JWKSSource
    /// The exact `iss` tokens must carry.
    package let issuer: String
    /// The value `aud` must contain.
    package let audience: String
    /// The value `scope` must contain.
    package let requiredScope: String
    package let dpop: DPoPMode
    /// The claim holding the HER-ids a token acts for.
    package let herIdClaim: String
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    package let leeway: TimeInterval
    /// How far a DPoP proof's `iat` may be from now, either way, in seconds; a proof's `jti` is
    /// remembered this long after its `iat` to refuse replays.
    package let proofWindow: TimeInterval

    package init(
        jwks: JWKSSource, issuer: String, audience: String = "nhn:msh", requiredScope: String = "nhn:msh/api",
        dpop: DPoPMode = .required, herIdClaim: String = defaultHerIdClaim, leeway: TimeInterval = 5, proofWindow: TimeInterval = 60
    ) throws(AuthConfigurationError) {
        try jwks.check()
        guard !issuer.isEmpty else { throw AuthConfigurationError("the token issuer is empty") }
        guard !audience.isEmpty else { throw AuthConfigurationError("the token audience is empty") }
        guard !requiredScope.isEmpty, !requiredScope.contains(" ") else {
            throw AuthConfigurationError("the required scope must be one non-empty scope without spaces")
        }
        guard !herIdClaim.isEmpty else { throw AuthConfigurationError("the HER-id claim name is empty") }
        guard leeway >= 0, proofWindow > 0 else { throw AuthConfigurationError("the leeway must not be negative and the proof window must be positive") }
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.requiredScope = requiredScope
        self.dpop = dpop
        self.herIdClaim = herIdClaim
        self.leeway = leeway
        self.proofWindow = proofWindow
    }
}
