import Foundation

/// The URL a request was made to, as a DPoP proof's `htu` must name it: scheme, host with port,
/// and path, without query or fragment (RFC 9449 §4.3).
///
/// Both sides are normalised the same way: scheme and host in lower case, the default port of
/// the scheme (80 for http, 443 for https) left out, an empty path read as `/`.
///
/// ```swift
/// RequestTarget(scheme: "HTTPS", host: "Hub.example:443", path: "/messages?x=1")
///     == RequestTarget(url: "https://hub.example/messages")  // true
/// ```
///
/// Behind a proxy that terminates TLS, build it from the URL the client used (the public base
/// URL), not from the address hubd listens on.
package struct RequestTarget: Sendable, Equatable, CustomStringConvertible {
    package let scheme: String
    /// Host, with `:port` unless it is the scheme's default.
    package let authority: String
    package let path: String

    /// `host` is the `Host` header's value (or `:authority`), with its port if any.
    package init(scheme: String, host: String, path: String) {
        let scheme = scheme.lowercased()
        var authority = host.lowercased()
        if let defaultPort = ["http": ":80", "https": ":443"][scheme], authority.hasSuffix(defaultPort) {
            authority.removeLast(defaultPort.count)
        }
        let path = path.prefix { $0 != "?" && $0 != "#" }
        self.scheme = scheme
        self.authority = authority
        self.path = path.isEmpty ? "/" : String(path)
    }

    /// The target an absolute http(s) URL names, or nil when `url` is not one.
    package init?(url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            ["http", "https"].contains(scheme.lowercased()), let host = components.percentEncodedHost, !host.isEmpty
        else { return nil }
        // An IPv6 literal comes back without its brackets, which the Host header keeps.
        var authority = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        if let port = components.port { authority += ":\(port)" }
        self.init(scheme: scheme, host: authority, path: components.percentEncodedPath)
    }

    /// Whether the absolute URL `url` names this target. A client usually spells the target
    /// exactly as `description` does, which is compared byte by byte: parsing `url` with
    /// `URLComponents` for every request's DPoP proof was 2 % of hubd's CPU under REST load.
    package func isNamed(by url: String) -> Bool {
        isSpelt(as: url) || RequestTarget(url: url) == self
    }

    private func isSpelt(as url: String) -> Bool {
        var rest = url.utf8[...]
        func take(_ part: String) -> Bool {
            guard rest.starts(with: part.utf8) else { return false }
            rest = rest.dropFirst(part.utf8.count)
            return true
        }
        return take(scheme) && take("://") && take(authority) && rest.elementsEqual(path.utf8)
    }

    package var description: String { "\(scheme)://\(authority)\(path)" }
}
