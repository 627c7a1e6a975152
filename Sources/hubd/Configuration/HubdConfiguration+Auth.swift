import AsyncHTTPClient
import Logging
import RESTBridge

extension HubdConfiguration {
    /// The token checks the REST API runs, from `auth_*`: there is no unauthenticated mode,
    /// so a REST API without a JWKS and an issuer does not start.
    func authenticator(httpClient: HTTPClient, logger: Logger) throws -> AccessTokenVerifier {
        guard let jwks = authJWKS, let issuer = authIssuer else {
            throw ConfigurationError(
                "the REST API (http_address) needs auth_jwks and auth_issuer: run 'hubd auth init' for local use, or point them at HelseID")
        }
        do {
            let settings = try AuthSettings(
                jwks: try AuthSettings.JWKSSource(parsing: jwks), issuer: issuer, audience: authAudience,
                requiredScope: authScope, dpop: authDPoP == .required ? .required : .optional, herIdClaim: authHerIdClaim)
            return AccessTokenVerifier(settings: settings, httpClient: httpClient, logger: logger)
        } catch {
            throw ConfigurationError("auth: \(error.description)")
        }
    }
}
