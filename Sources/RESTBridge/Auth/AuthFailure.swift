import Foundation

/// Why a request is not authenticated. At this layer every failure is a 401.
///
/// `reason` is for the operator and safe to show the client: it says what is wrong ("the token
/// has expired", "the DPoP proof was already used") and never repeats token contents or a
/// national identity number. `challenge` is the `WWW-Authenticate` value to answer with.
package struct AuthFailure: Error, Sendable, CustomStringConvertible {
    /// The error codes of RFC 6750 §3.1 and RFC 9449 §7.1.
    package enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidToken = "invalid_token"
        case invalidDPoPProof = "invalid_dpop_proof"
    }

    /// The schemes a challenge can name.
    enum Scheme: Sendable {
        case dpop, bearer
    }

    package let reason: String
    /// Nil when the request carried no credentials in a scheme hubd takes: then, as RFC 6750
    /// §3.1 asks, the challenge names the scheme(s) without an error.
    package let code: Code?
    /// For example `DPoP algs="ES256 RS256 PS256", error="invalid_token", error_description="the token has expired"`.
    package let challenge: String

    package var description: String { reason }

    init(_ code: Code?, _ reason: String, challenging schemes: [Scheme]) {
        self.reason = reason
        self.code = code
        // The reason goes into a quoted-string; the reasons are hubd's own texts, but escaping
        // keeps the header well-formed whatever they say.
        let quoted = reason.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let error = code.map { "error=\"\($0.rawValue)\", error_description=\"\(quoted)\"" }
        challenge = schemes.map { scheme in
            switch scheme {
            case .dpop:
                (["DPoP algs=\"\(AccessTokenVerifier.algorithms.joined(separator: " "))\""] + (error.map { [$0] } ?? [])).joined(separator: ", ")
            case .bearer:
                error.map { "Bearer \($0)" } ?? "Bearer"
            }
        }.joined(separator: ", ")
    }
}
