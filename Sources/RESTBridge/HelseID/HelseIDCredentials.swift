import AsyncHTTPClient

/// What one call to an NHN API carries: `Authorization` (`DPoP <token>` for a DPoP-bound token,
/// `Bearer <token>` otherwise) and, for a bound token, a `DPoP` proof made for that very call.
package struct HelseIDCredentials: Sendable {
    package var authorization: String
    package var dpop: String?

    /// Adds the headers to `request`.
    package func apply(to request: inout HTTPClientRequest) {
        request.headers.replaceOrAdd(name: "Authorization", value: authorization)
        if let dpop { request.headers.replaceOrAdd(name: "DPoP", value: dpop) }
    }
}
