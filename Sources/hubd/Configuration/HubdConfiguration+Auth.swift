import AsyncHTTPClient
import Foundation
import Logging
import RESTBridge

extension HubdConfiguration {
    /// The token checks the REST API runs, from `auth_*`: there is no unauthenticated mode,
    /// so a REST API without a JWKS and an issuer does not start.
    /// The key set is loaded now: a file that does not load stops hubd here; an issuer that
    /// cannot be reached is logged and tried again with the first token.
    /// - Parameter fleetProofs: the fleet's record of accepted DPoP proofs, when instances share
    ///   a PostgreSQL store.
    func authenticator(httpClient: HTTPClient, logger: Logger, fleetProofs: FleetProofLog?) async throws -> AccessTokenVerifier {
        guard let jwks = authJWKS, let issuer = authIssuer else {
            throw ConfigurationError(
                "the REST API (http_address) needs auth_jwks and auth_issuer: run 'hubd auth init' for local use, or point them at HelseID")
        }
        do {
            let settings = try AuthSettings(
                jwks: try AuthSettings.JWKSSource(parsing: jwks), issuer: issuer, audience: authAudience,
                requiredScope: authScope, dpop: authDPoP == .required ? .required : .optional, herIdClaim: authHerIdClaim)
            let keys = JWKSProvider(source: settings.jwks, httpClient: httpClient, logger: logger)
            do {
                try await keys.load(now: Date())
            } catch {
                if case .file = settings.jwks { throw error }
                logger.error("the token issuer's keys could not be loaded; trying again with the first token",
                             metadata: ["error": "\(error.description)"])
            }
            return AccessTokenVerifier(settings: settings, keys: keys, fleetProofs: fleetProofs)
        } catch {
            throw ConfigurationError("auth: \(error)")
        }
    }
}
