import Foundation

/// How the API listens and what it allows.
package struct RESTSettings: Sendable {
    package var host: String
    package var port: Int
    /// The URL clients call hubd at (scheme, host, port), when it is behind a proxy: DPoP
    /// proofs name it. Without it, `http://` and the request's Host.
    package var publicURL: URL?
    /// Largest request body: the largest message in base64 plus room for the JSON around it.
    package var maxBodyBytes: Int
    /// How long a request may take to arrive whole.
    package var requestTimeout: Duration
    /// Requests per second per token, and the burst allowed.
    package var rateLimit: Double
    package var rateBurst: Double
    /// `/metrics` without a token.
    package var metricsOpen: Bool
    /// What PVK's replicated settings cover (`covers.herIds` of the events made of them); PVK
    /// replication answers 503 while this is empty.
    package var pvkCovers: [Int]

    package init(
        host: String, port: Int, publicURL: URL? = nil, maxMessageBytes: Int, requestTimeout: Duration = .seconds(30),
        rateLimit: Double = 2000, rateBurst: Double = 4000, metricsOpen: Bool = false, pvkCovers: [Int] = []
    ) {
        self.pvkCovers = pvkCovers
        self.host = host
        self.port = port
        self.publicURL = publicURL
        maxBodyBytes = maxMessageBytes * 4 / 3 + 64 * 1024
        self.requestTimeout = requestTimeout
        self.rateLimit = rateLimit
        self.rateBurst = rateBurst
        self.metricsOpen = metricsOpen
    }

    /// The scheme and host (with port) a request was made to, as a DPoP proof must name them:
    /// the public URL's, else `http` and the request's `Host`.
    func origin(authority: String?) -> (scheme: String, host: String) {
        if let publicURL, let scheme = publicURL.scheme, let host = publicURL.host {
            return (scheme, publicURL.port.map { "\(host):\($0)" } ?? host)
        }
        return ("http", authority ?? "\(host):\(port)")
    }
}
