import AsyncHTTPClient
import Dialogs
import Foundation
import JWTKit
import Logging

/// The token issuer's public signing keys (its JWKS): read from a file or fetched over https,
/// cached, and loaded again when a token names a key the cache does not hold.
///
/// Loads happen at most once per `minimumReloadInterval` (30 s), whatever asks for them, so
/// tokens with made-up key ids cannot make hubd hammer HelseID. The cache is also refreshed on
/// use once it is older than `maximumAge`, so that a key the issuer withdrew stops being
/// trusted; a refresh that fails keeps the keys there were (and logs why). Requests that need
/// a load while one is under way wait for it instead of starting another.
///
/// ```swift
/// let keys = JWKSProvider(source: settings.jwks)
/// try await keys.load(now: Date())  // at startup: fail early on a bad file or URL
/// ```
package actor JWKSProvider {
    /// Produces the JWKS document; its error describes the source and what went wrong.
    package typealias Loader = @Sendable () async throws(AuthConfigurationError) -> Data

    package static let minimumReloadInterval: TimeInterval = 30

    private let loader: Loader
    private let source: String
    private let maximumAge: TimeInterval
    private let logger: Logger
    /// The keys of the set, as the last load found them.
    private var keys = KeySet()
    private var loadedAt: Date?
    private var lastAttempt: Date?
    private var lastError: AuthConfigurationError?
    private var loading: Task<Void, Never>?

    /// Keys from `source`: a file, read again on an unknown `kid` (so a key rotated with
    /// `hubd auth init` is picked up), or an https URL fetched with `httpClient`.
    package init(
        source: AuthSettings.JWKSSource, httpClient: HTTPClient = .shared, maximumAge: TimeInterval = 3600,
        logger: Logger = Logger(label: "hubd.auth")
    ) {
        let loader: Loader =
            switch source {
            case .file(let path): { () throws(AuthConfigurationError) -> Data in try Self.read(path) }
            case .url(let url): { () async throws(AuthConfigurationError) -> Data in try await Self.fetch(url, with: httpClient) }
            }
        self.init(source: source.description, maximumAge: maximumAge, logger: logger, loader: loader)
    }

    /// Keys from `loader`, described as `source` in errors.
    package init(source: String, maximumAge: TimeInterval = 3600, logger: Logger = Logger(label: "hubd.auth"), loader: @escaping Loader) {
        self.loader = loader
        self.source = source
        self.maximumAge = maximumAge
        self.logger = logger
    }

    /// Loads the keys now, whatever the cache holds (for a check at startup).
    package func load(now: Date) async throws(AuthConfigurationError) {
        if let loading { await loading.value } else { await start(now: now) }
        if let lastError { throw lastError }
    }

    /// jwt-kit's verifier for the key `kid` with `algorithm`, or nil when the key set has no
    /// such key, or its key `kid` does not suit `algorithm`. Throws only when no key set could
    /// be loaded at all.
    func verifier(kid: String, algorithm: String, now: Date) async throws(AuthConfigurationError) -> (any JWTAlgorithm)? {
        if loadedAt.map({ now.timeIntervalSince($0) >= maximumAge }) ?? true {
            await reload(now: now)
            guard loadedAt != nil else { throw lastError ?? AuthConfigurationError("the JWKS at \(source) is not loaded yet") }
        }
        if keys.named[kid] == nil { await reload(now: now) }
        return keys.named[kid]?[algorithm]
    }

    /// Verifiers for `algorithm` of every key in the set, with a `kid` or without, for a token
    /// that names no key. With `reloading`, the set is loaded again first (at most every
    /// `minimumReloadInterval`): for a token no key verified, in case the issuer rotated its keys.
    func verifiers(algorithm: String, reloading: Bool = false, now: Date) async throws(AuthConfigurationError) -> [any JWTAlgorithm] {
        if reloading || loadedAt.map({ now.timeIntervalSince($0) >= maximumAge }) ?? true {
            await reload(now: now)
            guard loadedAt != nil else { throw lastError ?? AuthConfigurationError("the JWKS at \(source) is not loaded yet") }
        }
        return (keys.named.values.map { $0 } + keys.unnamed).compactMap { $0[algorithm] }
    }

    /// Loads again unless a load started less than `minimumReloadInterval` ago; waits for a
    /// load under way.
    private func reload(now: Date) async {
        if let loading { return await loading.value }
        guard lastAttempt.map({ now.timeIntervalSince($0) >= Self.minimumReloadInterval || now < $0 }) ?? true else { return }
        await start(now: now)
    }

    private func start(now: Date) async {
        lastAttempt = now
        let task = Task { await self.apply(now: now) }
        loading = task
        await task.value
        loading = nil
    }

    private func apply(now: Date) async {
        do {
            keys = try await Self.parse(loader(), from: source)
            loadedAt = now
            lastError = nil
        } catch {
            lastError = error
            logger.warning(
                "cannot load the token issuer's keys (JWKS)\(loadedAt == nil ? "" : "; keeping the keys loaded before")",
                metadata: ["error": "\(LogSafe.text(error.description))"])
        }
    }

    /// A key set's verifiers by algorithm: by `kid`, and for keys without one (RFC 7517 makes
    /// `kid` optional; such a key can only check a token that names none).
    struct KeySet {
        /// A kid whose key suits no allowed algorithm has an empty entry, so that it counts as known.
        var named: [String: [String: any JWTAlgorithm]] = [:]
        var unnamed: [[String: any JWTAlgorithm]] = []
    }

    /// Every key that jwt-kit can use, by algorithm. Keys of types jwt-kit does not know, and
    /// keys with private members, are left out rather than spoiling the set.
    private static func parse(_ data: Data, from source: String) async throws(AuthConfigurationError) -> KeySet {
        struct Document: Decodable {
            struct Entry: Decodable {
                let key: JWK?
                init(from decoder: any Decoder) throws { key = try? JWK(from: decoder) }
            }
            let keys: [Entry]
        }
        guard let set = try? JSONDecoder().decode(Document.self, from: data) else {
            throw AuthConfigurationError("\(source) is not a JSON Web Key Set")
        }
        var keys = KeySet()
        for case let key? in set.keys.map(\.key) where key.privateExponent == nil {
            guard let kid = key.keyIdentifier?.string else {
                var byAlgorithm: [String: any JWTAlgorithm] = [:]
                for algorithm in AccessTokenVerifier.algorithms { byAlgorithm[algorithm] = await key.verifier(for: algorithm) }
                if !byAlgorithm.isEmpty { keys.unnamed.append(byAlgorithm) }
                continue
            }
            // Keys of different types may share a kid (RFC 7517 §4.5).
            var byAlgorithm = keys.named[kid] ?? [:]
            for algorithm in AccessTokenVerifier.algorithms where byAlgorithm[algorithm] == nil {
                byAlgorithm[algorithm] = await key.verifier(for: algorithm)
            }
            keys.named[kid] = byAlgorithm
        }
        guard keys.named.values.contains(where: { !$0.isEmpty }) || !keys.unnamed.isEmpty else {
            throw AuthConfigurationError("\(source) holds no ES256, RS256 or PS256 public key")
        }
        return keys
    }

    private static func read(_ path: String) throws(AuthConfigurationError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AuthConfigurationError("cannot read the JWKS file \(path): \((error as NSError).localizedDescription)")
        }
    }

    /// Largest JWKS document accepted; HelseID's is a few kilobytes.
    private static let maximumDocumentBytes = 1 << 20

    private static func fetch(_ url: URL, with httpClient: HTTPClient) async throws(AuthConfigurationError) -> Data {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(10))
            guard response.status == .ok else {
                throw AuthConfigurationError("the JWKS URL \(url.absoluteString) answered HTTP \(response.status.code)")
            }
            return Data(try await response.body.collect(upTo: maximumDocumentBytes).readableBytesView)
        } catch let error as AuthConfigurationError {
            throw error
        } catch {
            throw AuthConfigurationError("cannot fetch the JWKS from \(url.absoluteString): \(error)")
        }
    }
}
