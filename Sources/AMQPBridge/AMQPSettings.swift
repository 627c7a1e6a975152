/// Connection settings, usually parsed from an `amqp://` or `amqps://` URL.
///
/// URL form (RabbitMQ URI spec): `amqp[s]://[user[:password]@]host[:port][/vhost][?query]`.
/// - user and password are percent-decoded; when absent they default to `guest`/`guest`.
/// - port defaults to 5672 (amqp) or 5671 (amqps).
/// - vhost is the percent-decoded path without its leading `/`; an absent or empty path means
///   `/`. A vhost containing `/` must be written `%2F` (`amqp://h/%2F` is `/`).
/// - query parameters (all optional):
///   `heartbeat` (seconds, 0 disables), `connection_timeout` (ms), `rpc_timeout` (ms),
///   `connection_name`, `cacertfile`, `certfile`, `keyfile`,
///   `verify` (`verify_peer` | `verify_none`), `verify_hostname` (`true` | `false`),
///   `reconnect_min_delay` (ms), `reconnect_max_delay` (ms).
///   Unknown parameters are rejected so that typos do not pass silently.
///
/// Several URLs separated by commas name the nodes of one cluster (`endpoints`, tried in that
/// order): they may differ only in host and port, since one connection logs in to whichever
/// node answers with the same credentials, vhost and options. A comma inside a URL (in a
/// password) is kept when what follows it is not a new `amqp://` or `amqps://` URL.
package struct AMQPSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The broker nodes, in the order a connection tries them (never empty). A connection
    /// starts with the first; after losing one it tries the next, in turn.
    package private(set) var endpoints: [AMQPEndpoint]
    /// The first endpoint's host; setting it replaces that endpoint's host.
    package var host: String {
        get { endpoints[0].host }
        set { endpoints[0].host = newValue }
    }
    /// The first endpoint's port; setting it replaces that endpoint's port.
    package var port: Int {
        get { endpoints[0].port }
        set { endpoints[0].port = newValue }
    }
    package var vhost: String
    package var user: String
    package var password: String
    package var useTLS: Bool
    /// Heartbeat interval requested from the broker (whole seconds; zero disables).
    package var heartbeat: Duration
    package var connectTimeout: Duration
    /// Timeout for synchronous AMQP methods (declare, qos, consume, ...).
    package var rpcTimeout: Duration
    /// Shown in the broker's management UI; the client's/consumer's own name is appended.
    package var connectionName: String?
    // TLS
    package var caCertPath: String?
    package var certPath: String?
    package var keyPath: String?
    package var verifyPeer: Bool
    package var verifyHostname: Bool
    // Reconnection back-off: starts at `reconnectMinDelay`, doubles up to `reconnectMaxDelay`
    // (2 s by default, so a returning broker is in use again within about 2 s).
    package var reconnectMinDelay: Duration
    package var reconnectMaxDelay: Duration

    package init(host: String = "localhost", port: Int? = nil, vhost: String = "/",
                user: String = "guest", password: String = "guest", useTLS: Bool = false) {
        self.endpoints = [AMQPEndpoint(host: host, port: port ?? (useTLS ? 5671 : 5672))]
        self.vhost = vhost
        self.user = user
        self.password = password
        self.useTLS = useTLS
        self.heartbeat = .seconds(10)
        self.connectTimeout = .seconds(5)
        self.rpcTimeout = .seconds(10)
        self.connectionName = nil
        self.caCertPath = nil
        self.certPath = nil
        self.keyPath = nil
        self.verifyPeer = true
        self.verifyHostname = true
        self.reconnectMinDelay = .milliseconds(100)
        self.reconnectMaxDelay = .seconds(2)
    }

    /// One URL, or several separated by commas (the nodes of one cluster).
    package init(url: String) throws(AMQPError) {
        self = try AMQPURLParser.parseList(url)
    }

    /// Settings for one cluster: these settings with `endpoints` in place of their own.
    /// - Throws: `.invalidArgument` when `endpoints` is empty.
    package func with(endpoints: [AMQPEndpoint]) throws(AMQPError) -> AMQPSettings {
        guard !endpoints.isEmpty else { throw .invalidArgument("a broker list needs at least one endpoint") }
        var copy = self
        copy.endpoints = endpoints
        return copy
    }

    /// The same settings with only the endpoint at `index`: what one connection attempt uses,
    /// so that its errors name the node it tried.
    func pinned(to index: Int) -> AMQPSettings {
        var copy = self
        copy.endpoints = [endpoints[index % endpoints.count]]
        return copy
    }

    /// The first endpoint's `host:port` (IPv6 literals in brackets).
    package var address: String { endpoints[0].address }

    /// Every endpoint's `host:port`, separated by commas.
    package var addresses: String { endpoints.map(\.address).joined(separator: ",") }

    /// The URL (or the URLs, separated by commas) without the password: safe to log.
    package var redacted: String {
        endpoints.map(redacted(_:)).joined(separator: ",")
    }

    /// One endpoint's URL without the password.
    package func redacted(_ endpoint: AMQPEndpoint) -> String {
        let scheme = useTLS ? "amqps" : "amqp"
        let vhostPart = vhost == "/" ? "/" : "/" + percentEncode(vhost)
        return "\(scheme)://\(percentEncode(user))@\(endpoint.address)\(vhostPart)"
    }

    package var description: String { redacted }
    package var debugDescription: String { "AMQPSettings(\(redacted))" }
}

private func percentEncode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(b))
        default:
            let hex = Array("0123456789ABCDEF".utf8)
            out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 0xF)]], as: UTF8.self)
        }
    }
    return out
}

enum AMQPURLParser {
    /// One URL, or several separated by commas that differ only in host and port.
    static func parseList(_ text: String) throws(AMQPError) -> AMQPSettings {
        var urls: [Substring] = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = piece.drop(while: { $0.isWhitespace })
            let startsURL = trimmed.strippingPrefixCaseInsensitive("amqp://") != nil
                || trimmed.strippingPrefixCaseInsensitive("amqps://") != nil
            if let last = urls.last, !startsURL, !trimmed.isEmpty {
                // A comma inside the previous URL (a password may hold one): keep it there.
                urls[urls.count - 1] = text[last.startIndex..<piece.endIndex]
            } else {
                urls.append(piece)
            }
        }
        if urls.count == 1 { return try parse(String(urls[0])) }
        var first: AMQPSettings?
        var endpoints: [AMQPEndpoint] = []
        for (index, url) in urls.enumerated() {
            guard !url.allSatisfy(\.isWhitespace) else {
                throw .invalidURL("URL \(index + 1) of the list of \(urls.count) is empty (a comma too many?)")
            }
            let settings: AMQPSettings
            do {
                settings = try parse(String(url))
            } catch {
                throw .invalidURL("URL \(index + 1) of the list of \(urls.count): \(error.detail)")
            }
            endpoints.append(contentsOf: settings.endpoints)
            guard let first else { first = settings; continue }
            if let difference = first.differenceBesidesEndpoints(settings) {
                throw .invalidURL("URL \(index + 1) of the list has another \(difference) than the first; "
                                  + "the URLs of one cluster may differ only in host and port")
            }
        }
        guard let first else { throw .invalidURL("empty URL") }
        return try first.with(endpoints: endpoints)
    }

    static func parse(_ url: String) throws(AMQPError) -> AMQPSettings {
        func bad(_ why: String) -> AMQPError {
            // Never echo the URL itself: it may contain a password.
            .invalidURL(why)
        }
        let trimmed = url.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw bad("empty URL") }
        var rest: Substring
        let useTLS: Bool
        if let r = trimmed.strippingPrefixCaseInsensitive("amqps://") {
            useTLS = true; rest = r
        } else if let r = trimmed.strippingPrefixCaseInsensitive("amqp://") {
            useTLS = false; rest = r
        } else {
            let scheme = trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw bad("scheme must be amqp:// or amqps://"
                      + (scheme.isEmpty || scheme.count > 10 ? "" : " (got '\(scheme)')"))
        }
        if rest.contains("#") { throw bad("fragments ('#') are not allowed") }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var authority = rest
        var path: Substring? = nil
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        var settings = AMQPSettings(useTLS: useTLS)
        // userinfo
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                settings.user = try decode(userinfo[..<colon], what: "user name")
                settings.password = try decode(userinfo[userinfo.index(after: colon)...], what: "password")
            } else {
                settings.user = try decode(userinfo, what: "user name")
            }
        }
        // host[:port]
        var hostPart: Substring
        var portPart: Substring? = nil
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw bad("unterminated IPv6 address") }
            hostPart = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw bad("unexpected characters after IPv6 address") }
                portPart = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            hostPart = hostPort[..<colon]
            portPart = hostPort[hostPort.index(after: colon)...]
        } else {
            hostPart = hostPort
        }
        if !hostPart.isEmpty {
            settings.host = try decode(hostPart, what: "host")
            if settings.host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) {
                throw bad("invalid host name")
            }
        }
        if let portPart {
            guard let p = Int(portPart), (1...65535).contains(p) else {
                throw bad("port must be a number from 1 to 65535 (got '\(portPart.prefix(12))')")
            }
            settings.port = p
        }
        // vhost
        if let path, !path.isEmpty {
            if path.contains("/") {
                throw bad("the vhost must be one path segment; write '/' inside it as %2F")
            }
            settings.vhost = try decode(path, what: "vhost")
        } else {
            settings.vhost = "/"
        }
        // query
        if !query.isEmpty {
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = try decode(kv[0], what: "query key")
                let value = kv.count > 1 ? try decode(kv[1], what: "query value") : ""
                try apply(key: key, value: value, to: &settings)
            }
        }
        if settings.reconnectMaxDelay < settings.reconnectMinDelay {
            throw bad("reconnect_max_delay is smaller than reconnect_min_delay")
        }
        return settings
    }

    private static func apply(key: String, value: String, to s: inout AMQPSettings) throws(AMQPError) {
        func number(_ max: Int) throws(AMQPError) -> Int {
            guard let n = Int(value), n >= 0, n <= max else {
                throw .invalidURL("query parameter '\(key)' must be a whole number from 0 to \(max)")
            }
            return n
        }
        func bool() throws(AMQPError) -> Bool {
            switch value.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw .invalidURL("query parameter '\(key)' must be true or false")
            }
        }
        switch key {
        case "heartbeat": s.heartbeat = .seconds(try number(65535))
        case "connection_timeout": s.connectTimeout = .milliseconds(max(1, try number(3_600_000)))
        case "rpc_timeout": s.rpcTimeout = .milliseconds(max(1, try number(3_600_000)))
        case "connection_name": s.connectionName = value.isEmpty ? nil : value
        case "cacertfile": s.caCertPath = value
        case "certfile": s.certPath = value
        case "keyfile": s.keyPath = value
        case "verify":
            switch value {
            case "verify_peer": s.verifyPeer = true
            case "verify_none": s.verifyPeer = false; s.verifyHostname = false
            default: throw .invalidURL("query parameter 'verify' must be verify_peer or verify_none")
            }
        case "verify_hostname": s.verifyHostname = try bool()
        case "reconnect_min_delay": s.reconnectMinDelay = .milliseconds(max(1, try number(3_600_000)))
        case "reconnect_max_delay": s.reconnectMaxDelay = .milliseconds(max(1, try number(3_600_000)))
        default:
            throw .invalidURL("unknown query parameter '\(key.prefix(40))'")
        }
    }

    /// Strict percent-decoding into UTF-8.
    static func decode(_ s: Substring, what: String) throws(AMQPError) -> String {
        guard s.contains("%") else { return String(s) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard let h = it.popFirst(), let l = it.popFirst(),
                      let hv = hexValue(h), let lv = hexValue(l) else {
                    throw .invalidURL("bad percent-encoding in the \(what)")
                }
                bytes.append(hv << 4 | lv)
            } else {
                bytes.append(b)
            }
        }
        guard let str = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL("the \(what) is not valid UTF-8 after percent-decoding")
        }
        return str
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

extension Substring {
    fileprivate func strippingPrefixCaseInsensitive(_ prefix: String) -> Substring? {
        guard self.count >= prefix.count else { return nil }
        let head = self.prefix(prefix.count)
        return head.lowercased() == prefix ? self.dropFirst(prefix.count) : nil
    }
}

extension AMQPSettings {
    /// What, other than the endpoints, differs from `other` (nil when nothing): for the error
    /// naming a list's odd URL. Never the values themselves (one may be a password).
    fileprivate func differenceBesidesEndpoints(_ other: AMQPSettings) -> String? {
        if useTLS != other.useTLS { return "scheme" }
        if user != other.user { return "user name" }
        if password != other.password { return "password" }
        if vhost != other.vhost { return "vhost" }
        var aligned = other
        aligned.endpoints = endpoints
        return aligned == self ? nil : "set of query parameters"
    }
}

extension AMQPError {
    /// An `invalidURL`'s reason without its prefix; any other error's description.
    fileprivate var detail: String {
        if case .invalidURL(let why) = self { return why }
        return description
    }
}
