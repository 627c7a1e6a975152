import AMQPBridge
import Dialogs
import Foundation
import Hub
import Logging
import PostgresStore

/// hubd's settings: defaults, then the config file (`key = value` lines), then `HUBD_*`
/// environment variables, each overriding the one before.
///
/// A file key is the variable's name without `HUBD_`, in lower case (`amqp_url` for
/// `HUBD_AMQP_URL`); the variable's own name is accepted in the file as well.
struct HubdConfiguration {
    var amqpURL = "amqp://guest:guest@127.0.0.1:5672/"
    var database = "hubd.sqlite"
    /// `database` read as a PostgreSQL URL; nil when it names a SQLite file.
    var postgres: PostgresLocation?
    var registry: String?
    var arURL: String?
    var arPollSeconds: Double = 60
    var arScope: String?
    var helseIDTokenURL: String?
    var helseIDClientId: String?
    var helseIDKey: String?
    var herId: Int?
    var submitQueue = "hubd.submit"
    var deadLetterQueue = "hubd.dead"
    var maxMessageBytes = 16 * 1024 * 1024
    var queueType = AMQPQueueType.classic
    var declareQueues = DeclareQueues.own
    var defaultExpirySeconds: Double = 4 * 24 * 3600
    var retryInitialSeconds: Double = 1
    var retryMaxSeconds: Double = 300
    var duplicateRetentionSeconds: Double = 5 * 24 * 3600
    var messageRetentionSeconds: Double = 30 * 24 * 3600
    var prefetch = 2000
    var prefetchBytes = 64 * 1024 * 1024
    var batchSize = 1000
    var logLevel = Logger.Level.info
    var logFormat = LogFormat.text
    var httpAddress: String?
    var httpPublicURL: String?
    var httpRateLimit: Double = 2000
    var httpRateBurst: Double = 4000
    var httpRequestTimeoutSeconds: Double = 30
    var authJWKS: String?
    var authIssuer: String?
    var authAudience = "nhn:msh"
    var authScope = "nhn:msh/api"
    var authDPoP = DPoPMode.required
    var authHerIdClaim = "nhn:msh/client/claims/herid"
    var metricsOpen = false
    var deliveryChannels: String?
    var eventPublishers: [Int] = []
    var pvkCovers: [Int] = []
    var eventSubscriptions: String?
    var promsURL: String?
    var promsAPIKey: String?
    var promsCallbackKey: String?
    var promsExpiryCheckSeconds: Double = 600
    /// Nil: the dialog catalogue's deadline (30 days).
    var answerDeadlineSeconds: Double?
    var answerCheckSeconds: Double = 60
    var instance = HubdConfiguration.defaultInstance
    /// How long a dispatch claim on the PostgreSQL store keeps other instances off a message.
    var claimLeaseSeconds: Double = 30

    /// Whether a token must come with a DPoP proof.
    enum DPoPMode: String {
        case required, optional
    }

    /// Which queues hubd declares: its own (the parties' belong to the bus operator), or all.
    enum DeclareQueues: String {
        case own, all
    }

    /// Every key hubd reads, with what it is; `hubd` prints this list in its README as the reference.
    /// The longest duration a setting takes, in seconds: ten years.
    static let longestDuration: Double = 10 * 365 * 86_400

    static let keys: [(key: String, help: String)] = [
        ("amqp_url", "broker URL, amqp:// or amqps://"),
        ("database", "the store: a SQLite file, or a postgres://user:password@host:port/db URL (a fleet's shared database)"),
        ("registry", "registry file imported at start (optional)"),
        ("ar_url", "base URL of AR's CommunicationParty API v1; set: the registry copy follows AR"),
        ("ar_poll_seconds", "how often AR's event feed is polled"),
        ("ar_scope", "the HelseID scope asked for to call AR"),
        ("helseid_token_url", "HelseID's token endpoint; unset: calls to NHN APIs carry no token"),
        ("helseid_client_id", "hubd's client_id at HelseID"),
        ("helseid_key", "JWK file with the HelseID client's private key (RSA or EC)"),
        ("her_id", "the hub's own HER-id"),
        ("submit_queue", "queue submissions arrive on"),
        ("dead_letter_queue", "queue dead letters are copied to"),
        ("max_message_bytes", "largest accepted body in bytes"),
        ("queue_type", "classic or quorum, for queues hubd declares"),
        ("declare_queues", "own (the submission and dead-letter queues) or all (parties' queues too, for local set-ups)"),
        ("default_expiry_seconds", "how long delivery is tried when a submission sets no expiration"),
        ("retry_initial_seconds", "delay before the first retry"),
        ("retry_max_seconds", "longest delay between retries"),
        ("duplicate_retention_seconds", "how long duplicate keys are kept"),
        ("message_retention_seconds", "how long finished messages and their histories are kept"),
        ("prefetch", "unacknowledged submissions the broker may hand hubd at once"),
        ("prefetch_bytes", "bytes of unacknowledged submissions hubd holds at once (past it, it reads no more until it has acknowledged)"),
        ("batch_size", "submissions per transaction and messages per dispatch batch"),
        ("log_level", "trace, debug, info, notice, warning, error or critical"),
        ("log_format", "text (one line per event) or json (one JSON object per line)"),
        ("http_address", "host:port the REST API listens on; unset: no REST API"),
        ("http_public_url", "the URL clients call the API at, when behind a proxy (DPoP proofs name it)"),
        ("http_rate_limit", "requests per second per token, on average"),
        ("http_rate_burst", "requests per token at once"),
        ("http_request_timeout_seconds", "how long a request may take to arrive, and idle connections live"),
        ("auth_jwks", "JWKS of the token issuer: a file, or an https:// URL (HelseID's)"),
        ("auth_issuer", "the tokens' iss"),
        ("auth_audience", "an audience the tokens' aud must hold"),
        ("auth_scope", "a scope the tokens' scope must hold"),
        ("auth_dpop", "required (DPoP-bound tokens only) or optional (Bearer accepted too)"),
        ("auth_herid_claim", "the claim holding the HER-ids a token acts for"),
        ("metrics_open", "true: /metrics needs no token"),
        ("delivery_channels", "JSON file in the shape of PUT /mshconfigurations, applied at start"),
        ("event_publishers", "comma-separated HER-ids that may publish access-restriction events"),
        ("pvk_covers", "comma-separated HER-ids that events made of PVK's replication cover"),
        ("event_subscriptions", "JSON file of event subscriptions ({\"subscriptions\": [{\"herId\": …, as PUT /subscriptions}]}), applied at start"),
        ("proms_url", "base URL of the national PROMs service; unset: no PROMs orders"),
        ("proms_api_key", "the key hubd calls the PROMs service with"),
        ("proms_callback_key", "the key the PROMs service calls hubd back with"),
        ("proms_expiry_check_seconds", "how often orders without an answer are checked for expiry"),
        ("answer_deadline_seconds", "how long after acceptance a request's answer is due (default: the dialog catalogue's, 30 days)"),
        ("answer_check_seconds", "how often conversations are checked for a passed answer deadline"),
        ("instance", "this instance's name in logs and metrics (default: host name-process id)"),
        ("claim_lease_seconds", "PostgreSQL store: how long an instance's claim on a message keeps the others off it"),
    ]

    static func load(file: String?, environment: [String: String]) throws -> HubdConfiguration {
        var configuration = HubdConfiguration()
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigurationError("cannot read config file \(file): \((error as NSError).localizedDescription)")
            }
            for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = rawLine.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                guard let equals = line.firstIndex(of: "=") else {
                    throw ConfigurationError("\(file):\(number + 1): expected key = value")
                }
                var key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                if key.hasPrefix("hubd_") { key.removeFirst(5) }
                var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                try configuration.set(key, value, origin: "\(file):\(number + 1)")
            }
        }
        for (key, help) in keys {
            _ = help
            if let value = environment["HUBD_" + key.uppercased()] {
                try configuration.set(key, value, origin: "HUBD_" + key.uppercased())
            }
        }
        return configuration
    }

    private mutating func set(_ key: String, _ value: String, origin: String) throws {
        func herIdList() throws -> [Int] {
            try value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { text in
                guard let herId = HerId.parse(text) else {
                    throw ConfigurationError("\(origin): \(key) must be comma-separated HER-ids, not '\(LogSafe.text(text))'")
                }
                return herId
            }
        }
        // Bounded above as well: `inf`, `1e300` or Int.max would pass a lower bound and then
        // overflow where hubd turns them into milliseconds or multiplies them, stopping it.
        func number<T: LosslessStringConvertible & Comparable>(_ type: T.Type, minimum: T, maximum: T) throws -> T {
            guard let parsed = T(value), parsed >= minimum, parsed <= maximum else {
                throw ConfigurationError("\(origin): \(key) must be a number from \(minimum) to \(maximum), not '\(LogSafe.text(value))'")
            }
            return parsed
        }
        func seconds(minimum: Double) throws -> Double { try number(Double.self, minimum: minimum, maximum: Self.longestDuration) }
        func count(minimum: Int) throws -> Int { try number(Int.self, minimum: minimum, maximum: Int(Int32.max)) }
        switch key {
        case "amqp_url": amqpURL = value
        case "database":
            database = value
            postgres = nil
            if PostgresLocation.isURL(value) {
                do {
                    postgres = try PostgresLocation(url: value)
                } catch {
                    throw ConfigurationError("\(origin): \(error)")
                }
            }
        case "registry": registry = value.isEmpty ? nil : value
        case "ar_url": arURL = value.isEmpty ? nil : value
        case "ar_poll_seconds": arPollSeconds = try seconds(minimum: 0.1)
        case "ar_scope": arScope = value.isEmpty ? nil : value
        case "helseid_token_url": helseIDTokenURL = value.isEmpty ? nil : value
        case "helseid_client_id": helseIDClientId = value.isEmpty ? nil : value
        case "helseid_key": helseIDKey = value.isEmpty ? nil : value
        case "her_id":
            guard let parsed = HerId.parse(value) else {
                throw ConfigurationError("\(origin): her_id must be a HER-id (1 to 9 digits), not '\(value)'")
            }
            herId = parsed
        case "submit_queue": submitQueue = value
        case "dead_letter_queue": deadLetterQueue = value
        case "max_message_bytes": maxMessageBytes = try count(minimum: 1)
        case "queue_type":
            guard let type = AMQPQueueType(rawValue: value.lowercased()) else {
                throw ConfigurationError("\(origin): queue_type must be classic or quorum, not '\(value)'")
            }
            queueType = type
        case "declare_queues":
            guard let mode = DeclareQueues(rawValue: value.lowercased()) else {
                throw ConfigurationError("\(origin): declare_queues must be own or all, not '\(value)'")
            }
            declareQueues = mode
        case "default_expiry_seconds": defaultExpirySeconds = try seconds(minimum: 1)
        case "retry_initial_seconds": retryInitialSeconds = try seconds(minimum: 0.01)
        case "retry_max_seconds": retryMaxSeconds = try seconds(minimum: 0.01)
        case "duplicate_retention_seconds": duplicateRetentionSeconds = try seconds(minimum: 1)
        case "message_retention_seconds": messageRetentionSeconds = try seconds(minimum: 1)
        case "prefetch": prefetch = try number(Int.self, minimum: 1, maximum: Int(UInt16.max))
        case "prefetch_bytes": prefetchBytes = try count(minimum: 1)
        case "batch_size": batchSize = try count(minimum: 1)
        case "log_level":
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw ConfigurationError("\(origin): log_level '\(value)' is not a log level")
            }
            logLevel = level
        case "log_format":
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw ConfigurationError("\(origin): log_format must be text or json, not '\(value)'")
            }
            logFormat = format
        case "http_address":
            guard value.isEmpty || Self.hostAndPort(value) != nil else {
                throw ConfigurationError("\(origin): http_address must be host:port, not '\(value)'")
            }
            httpAddress = value.isEmpty ? nil : value
        case "http_public_url": httpPublicURL = value.isEmpty ? nil : value
        case "http_rate_limit": httpRateLimit = try number(Double.self, minimum: 0.1, maximum: 1_000_000)
        case "http_rate_burst": httpRateBurst = try number(Double.self, minimum: 1, maximum: 1_000_000)
        case "http_request_timeout_seconds": httpRequestTimeoutSeconds = try seconds(minimum: 1)
        case "auth_jwks": authJWKS = value.isEmpty ? nil : value
        case "auth_issuer": authIssuer = value.isEmpty ? nil : value
        case "auth_audience": authAudience = value
        case "auth_scope": authScope = value
        case "auth_dpop":
            guard let mode = DPoPMode(rawValue: value.lowercased()) else {
                throw ConfigurationError("\(origin): auth_dpop must be required or optional, not '\(value)'")
            }
            authDPoP = mode
        case "auth_herid_claim": authHerIdClaim = value
        case "metrics_open":
            guard let flag = Bool(value.lowercased()) else {
                throw ConfigurationError("\(origin): metrics_open must be true or false, not '\(value)'")
            }
            metricsOpen = flag
        case "delivery_channels": deliveryChannels = value.isEmpty ? nil : value
        case "event_publishers": eventPublishers = try herIdList()
        case "pvk_covers": pvkCovers = try herIdList()
        case "event_subscriptions": eventSubscriptions = value.isEmpty ? nil : value
        case "proms_url": promsURL = value.isEmpty ? nil : value
        case "proms_api_key": promsAPIKey = value.isEmpty ? nil : value
        case "proms_callback_key": promsCallbackKey = value.isEmpty ? nil : value
        case "proms_expiry_check_seconds": promsExpiryCheckSeconds = try seconds(minimum: 0.01)
        case "answer_deadline_seconds":
            answerDeadlineSeconds = nil
            if !value.isEmpty { answerDeadlineSeconds = try seconds(minimum: 1) }
        case "answer_check_seconds": answerCheckSeconds = try seconds(minimum: 0.01)
        case "instance":
            guard Self.isInstanceName(value) else {
                throw ConfigurationError("\(origin): instance must be 1 to 64 letters, digits, '.', '_' or '-', not '\(LogSafe.text(value, limit: 80))'")
            }
            instance = value
        case "claim_lease_seconds": claimLeaseSeconds = try seconds(minimum: 1)
        default:
            throw ConfigurationError("\(origin): unknown setting '\(key)'")
        }
    }

    /// The host name and the process id: unique among instances running at the same time.
    static var defaultInstance: String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        // A host name outside the allowed characters (rare) is cut to what fits a metrics label.
        let cleaned = String(host.unicodeScalars.filter { isInstanceCharacter($0) }.prefix(48))
        return (cleaned.isEmpty ? "hubd" : cleaned) + "-" + String(getpid())
    }

    /// Letters, digits, '.', '_' and '-': safe in a log line, a metrics label and a file name.
    static func isInstanceName(_ text: String) -> Bool {
        (1...64).contains(text.unicodeScalars.count) && text.unicodeScalars.allSatisfy(isInstanceCharacter)
    }

    private static func isInstanceCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-")
    }

    /// `host:port` split; nil when it is not that.
    static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host.isEmpty ? nil : (host, port)
    }

    /// The hub's policies from this configuration.
    func hubSettings() throws -> HubSettings {
        guard let herId else {
            throw ConfigurationError("her_id (HUBD_HER_ID) is required: the hub's own HER-id")
        }
        return HubSettings(
            herId: herId, submitQueue: submitQueue, deadLetterQueue: deadLetterQueue,
            maxMessageBytes: maxMessageBytes, defaultExpiry: defaultExpirySeconds,
            retry: Backoff(initialDelay: retryInitialSeconds, maximumDelay: retryMaxSeconds),
            dispatchBatchSize: batchSize, ingressBatchLimit: batchSize, duplicateRetention: max(duplicateRetentionSeconds, defaultExpirySeconds),
            messageRetention: messageRetentionSeconds, eventPublishers: Set(eventPublishers),
            answerDeadline: answerDeadlineSeconds, answerCheckInterval: answerCheckSeconds)
    }
}
