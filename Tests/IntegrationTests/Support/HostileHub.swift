import AMQPBridge
import Dialogs
import Foundation
import Hub
import Testing

/// The real `hubd` executable under attack: JSON logs at debug level (so every line can be
/// checked), its own queues and store, a probe that submits raw AMQP messages, and an account
/// of every outcome by message id.
final class HostileHub: @unchecked Sendable {
    let parties: TestParties
    let hubd: HubdProcess
    let probe: BrokerProbe
    let store: any HubStore
    /// Everything taken off the parties' queues and the dead-letter queue so far, in order.
    private(set) var collected: [CollectedMessage] = []
    /// The markers `quiesce` took off the marker receiver's queue.
    private(set) var markers: [CollectedMessage] = []

    /// The queues outcomes can land on: every provisioned party's async and error queue, and
    /// the dead letters. (The marker receiver's queue is drained by `quiesce`.)
    let outcomeQueues: [(queue: String, place: CollectedMessage.Place)]

    /// Starts `hubd serve` with JSON logs at debug level, over `overrides`, and waits until it
    /// serves.
    init(overrides: [String: String] = [:]) async throws {
        parties = try TestParties()
        hubd = try HubdProcess(
            parties: parties,
            overrides: ["HUBD_LOG_FORMAT": "json", "HUBD_LOG_LEVEL": "debug"].merging(overrides) { $1 })
        probe = try BrokerProbe()
        var queues: [(String, CollectedMessage.Place)] = [(parties.deadQueue, .dead)]
        for herId in [TestParties.helsenorge, TestParties.register, TestParties.pts, TestParties.proms, TestParties.register2] {
            queues.append((parties.asyncQueue(herId), .async(herId)))
            queues.append((parties.errorQueue(herId), .error(herId)))
        }
        queues.append((parties.errorQueue(BrokerProbe.markerReceiver), .error(BrokerProbe.markerReceiver)))
        outcomeQueues = queues
        try await hubd.start()
        let hubd = self.hubd
        guard await eventually(timeout: .seconds(20), { hubd.log.contains("hubd serving") }) else {
            hubd.kill()
            throw TestFailure("hubd did not start serving; its log:\n\(hubd.log.suffix(2000))")
        }
        store = try SQLiteStore(path: hubd.database)
    }

    var logFile: URL { hubd.directory.appendingPathComponent("hubd.log") }

    /// Publishes the submissions in order, in batches, each confirmed by the broker.
    func publish(_ submissions: [HostileSubmission], through probe: BrokerProbe? = nil) async throws {
        let client = (probe ?? self.probe).client
        var start = 0
        while start < submissions.count {
            let chunk = Array(submissions[start..<min(start + 50, submissions.count)])
            let outcomes = await client.publish(chunk.map { $0.outbound(to: parties.submitQueue) }, declaring: AMQPQueueOptions())
            for (submission, outcome) in zip(chunk, outcomes) where outcome != .confirmed {
                throw TestFailure("submission '\(submission.label)' not confirmed: \(outcome)")
            }
            start += chunk.count
        }
    }

    /// Waits until everything submitted before now has been decided and sent: a marker submitted
    /// after it is sent, and the store holds nothing pending. What the queues hold then is final;
    /// "nothing else arrived" is checked against this signal, never after a pause.
    func quiesce(timeout: Duration = .seconds(30)) async throws {
        let marker = try await probe.submitMarker(to: parties.submitQueue)
        let deadline = ContinuousClock.now + timeout
        while try await store.reports(for: marker).first?.history.contains(where: { $0.status == .sent }) != true {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("the marker \(marker) was not sent within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        while try await store.pendingCount() > 0 {
            guard ContinuousClock.now < deadline else { throw TestFailure("hubd still has pending messages after \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let arrived = await probe.drain(parties.asyncQueue(BrokerProbe.markerReceiver))
        #expect(arrived.compactMap(\.properties.messageId) == [marker], "exactly the marker reached the marker's receiver")
        markers += arrived.map { CollectedMessage(place: .async(BrokerProbe.markerReceiver), delivery: $0) }
    }

    /// Polls `place`'s queue until a message with `messageId` arrives (keeping everything taken
    /// on the way); returns how long it took from `since`, or nil when it did not come in `timeout`.
    func waitFor(
        messageId: String, on place: CollectedMessage.Place, since: ContinuousClock.Instant, timeout: Duration
    ) async throws -> Duration? {
        guard let queue = outcomeQueues.first(where: { $0.place == place })?.queue else { return nil }
        let deadline = since + timeout
        while true {
            while let delivery = try? await probe.client.get(queue: queue) {
                collected.append(CollectedMessage(place: place, delivery: delivery))
                if delivery.properties.messageId == messageId
                    || delivery.properties.headers[HeaderName.originalMessageId] == .string(messageId) {
                    return ContinuousClock.now - since
                }
            }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Takes everything off the outcome queues (after `quiesce`).
    func collect() async -> [CollectedMessage] {
        for (queue, place) in outcomeQueues {
            for delivery in await probe.drain(queue) { collected.append(CollectedMessage(place: place, delivery: delivery)) }
        }
        return collected
    }

    /// Quiesces, collects, and checks that every submission has exactly one outcome, as
    /// expected, and that nothing arrived that no submission accounts for.
    @discardableResult
    func account(
        _ submissions: [HostileSubmission], timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> OutcomeAccount {
        try await quiesce(timeout: timeout)
        let account = OutcomeAccount(submissions, await collect())
        account.verify(sourceLocation: sourceLocation)
        #expect(await probe.count(parties.submitQueue) == 0, "nothing is left on the submission queue", sourceLocation: sourceLocation)
        return account
    }

    /// SIGTERM: hubd must still be running and exit 0; then its whole log is checked.
    @discardableResult
    func stop(sourceLocation: SourceLocation = #_sourceLocation) throws -> HubdLog {
        let status = hubd.terminate()
        #expect(status == 0, "hubd exits 0 on SIGTERM (it was still running)", sourceLocation: sourceLocation)
        let log = try HubdLog(file: logFile)
        log.verify(sourceLocation: sourceLocation)
        return log
    }

    /// Cleans up whatever is left (after a failure too): kills hubd and removes the queues.
    func close() {
        hubd.kill()
        let probe = self.probe
        let queues = parties.allQueues
        Task { await probe.delete(queues); await probe.close() }
    }
}

/// One message taken off a queue, and which queue.
struct CollectedMessage: Sendable {
    enum Place: Sendable, Equatable, CustomStringConvertible {
        case async(Int)
        case error(Int)
        case dead

        var description: String {
            switch self {
            case .async(let herId): "\(herId)_async"
            case .error(let herId): "\(herId)_error"
            case .dead: "dead letters"
            }
        }
    }

    var place: Place
    var delivery: AMQPDelivery

    var messageId: String? { delivery.properties.messageId }
    func header(_ name: String) -> String? { delivery.properties.headers[name]?.stringValue }

    /// Every text a receiver of this message sees outside its body: property values, header
    /// names and header values (nested ones too).
    var visibleTexts: [String] {
        let p = delivery.properties
        var texts = [p.messageId, p.correlationId, p.replyTo, p.contentType, p.contentEncoding, p.type, p.expiration,
                     p.userId, p.appId].compactMap { $0 }
        func walk(_ value: AMQPFieldValue) {
            switch value {
            case .string(let text): texts.append(text)
            case .int(let number): texts.append(String(number))
            case .double(let number): texts.append(String(number))
            case .timestamp(let seconds): texts.append(String(seconds))
            case .bytes(let bytes): texts.append(String(decoding: bytes, as: UTF8.self))
            // An AMQP 1.0 section (x-amqp-1.0-properties): what a 1.0 consumer sees are its values.
            case .binaryString(let bytes):
                guard let section = try? AMQP10Decoder.decodeOne(bytes) else {
                    texts.append(String(decoding: bytes, as: UTF8.self)); break
                }
                walk10(section)
            case .bool, .void: break
            case .array(let values): values.forEach(walk)
            case .table(let table): for (key, value) in table { texts.append(key); walk(value) }
            }
        }
        func walk10(_ value: AMQP10Value) {
            switch value {
            case .list(let values), .array(let values): values.forEach(walk10)
            case .map(let pairs): for pair in pairs { walk10(pair.key); walk10(pair.value) }
            case .described(_, let described): walk10(described)
            default: if let text = value.text { texts.append(text) }
            }
        }
        walk(.table(p.headers))
        return texts
    }
}

/// What a hostile submission must come to.
enum HostileExpectation: Sendable {
    /// Sent once to the receiver's async queue, body byte-identical.
    case delivered
    /// One error message from the hub on the sender's error queue; description and data when given.
    case error(String, description: String? = nil, data: String? = nil)
    /// One error message on the sender's error queue, whatever its condition.
    case anyError
    /// One copy on the dead-letter queue; reason when given.
    case deadLetter(reason: String? = nil)
    /// Routed unchanged (a receiver's error message) to the error queue of `toHerId`.
    case routedError
    /// Delivered if it happens to be valid, else one error message.
    case deliveredOrError
    /// One error message or one dead letter.
    case errorOrDeadLetter
    /// Accepted, then given up on (expired or failed, §3): one error message with this
    /// condition to the sender and one copy on the dead-letter queue, both about this message.
    case givenUp(String)
}

/// One raw AMQP submission: any body, any properties, headers of any AMQP type.
struct HostileSubmission: Sendable {
    var label: String
    var messageId: String? = UUID().uuidString.lowercased()
    var body: [UInt8]
    var headers: [String: AMQPFieldValue]
    var contentType: String? = "application/xml"
    var type: String?
    var correlationId: String?
    var expiration: String?
    /// The party whose error queue hears of a refusal, and the receiver of a delivery.
    var sender = TestParties.helsenorge
    var receiver = TestParties.register
    var expect: HostileExpectation

    func outbound(to queue: String) -> AMQPOutboundMessage {
        AMQPOutboundMessage(
            routingKey: queue, mandatory: true,
            properties: AMQPProperties(
                messageId: messageId, correlationId: correlationId, contentType: contentType, type: type,
                expiration: expiration, deliveryMode: AMQPProperties.persistentDeliveryMode, headers: headers),
            body: body)
    }

    /// The `originalMessageId` the hub's error message carries: the message id, or empty when it
    /// is missing or malformed (wire contract §2.1).
    var errorKey: String {
        guard let messageId, Self.isWellFormedMessageId(messageId) else { return "" }
        return messageId
    }

    /// Whether other submissions may share this one's keys (then outcomes are matched by count).
    var isAmbiguous: Bool { errorKey.isEmpty }

    /// The rule of docs/wire.md for `message_id`.
    static func isWellFormedMessageId(_ text: String) -> Bool {
        !text.utf8.isEmpty && text.utf8.count <= 255
            && !text.unicodeScalars.contains(where: {
                $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029
            })
            && !NationalIdMask.containsNationalId(text)
    }
}

/// Every submission matched to what came out of hubd: exactly one outcome each, and nothing
/// left over.
struct OutcomeAccount {
    let submissions: [HostileSubmission]
    /// Per submission (by index), the messages it accounts for.
    var outcomes: [[CollectedMessage]]
    /// What no submission accounts for.
    var unaccounted: [CollectedMessage]

    init(_ submissions: [HostileSubmission], _ collected: [CollectedMessage]) {
        self.submissions = submissions
        var remaining = collected
        var outcomes = [[CollectedMessage]](repeating: [], count: submissions.count)
        // Submissions with a usable message id first: their outcomes are theirs alone. Those
        // without one share their error messages' empty originalMessageId: each then takes one
        // outcome (preferring its own message id, then one that fits what it expects), and the
        // left-overs show up as unaccounted.
        let order = submissions.indices.filter { !submissions[$0].isAmbiguous } + submissions.indices.filter { submissions[$0].isAmbiguous }
        for index in order {
            let submission = submissions[index]
            let exact = remaining.indices.filter { Self.hasItsId(remaining[$0], submission) }
            let byKey = remaining.indices.filter { !Self.hasItsId(remaining[$0], submission) && Self.answers(remaining[$0], submission) }
            var taken = exact + byKey
            if submission.isAmbiguous {
                taken = exact.first.map { [$0] } ?? byKey.first(where: { Self.fits(remaining[$0], submission.expect) }).map { [$0] }
                    ?? Array(byKey.prefix(1))
            }
            outcomes[index] = taken.map { remaining[$0] }
            for position in taken.sorted().reversed() { remaining.remove(at: position) }
        }
        self.outcomes = outcomes
        unaccounted = remaining
    }

    /// A delivery, a dead-letter copy or a routed error message with the submission's message id:
    /// masked as everything hubd sends, and on a dead-letter copy a malformed one masked, escaped
    /// and cut to 255 bytes as `hubd dead list` shows it (`LogSafe`).
    static func hasItsId(_ message: CollectedMessage, _ submission: HostileSubmission) -> Bool {
        guard let id = submission.messageId else { return message.messageId == nil }
        if message.messageId == NationalIdMask.mask(id) { return true }
        return message.place == .dead && message.messageId == LogSafe.cut(LogSafe.text(id, limit: 255), toBytes: 255)
    }

    /// An error message from the hub about the submission.
    static func answers(_ message: CollectedMessage, _ submission: HostileSubmission) -> Bool {
        guard case .error = message.place else { return false }
        return message.header(HeaderName.originalMessageId) == submission.errorKey && message.header(HeaderName.errorCondition) != nil
    }

    static func fits(_ message: CollectedMessage, _ expectation: HostileExpectation) -> Bool {
        guard case .error(let condition, let description, let data) = expectation else { return true }
        return message.header(HeaderName.errorCondition) == condition
            && (description == nil || message.header(HeaderName.errorDescription) == description)
            && (data == nil || message.header(HeaderName.errorConditionData) == data)
    }

    /// The one outcome of the submission labelled `label`.
    func outcome(_ label: String) -> CollectedMessage? {
        guard let index = submissions.firstIndex(where: { $0.label == label }) else { return nil }
        return outcomes[index].count == 1 ? outcomes[index][0] : nil
    }

    /// Exactly one outcome per submission, the expected one; nothing unaccounted.
    func verify(sourceLocation: SourceLocation = #_sourceLocation) {
        for (submission, found) in zip(submissions, outcomes) {
            let places = found.map(\.place.description).joined(separator: ", ")
            if case .givenUp(let condition) = submission.expect {
                let errors = found.filter { $0.place == .error(submission.sender) && $0.header(HeaderName.errorCondition) == condition }
                let copies = found.filter { $0.place == .dead }
                if found.count != 2 || errors.count != 1 || copies.count != 1 {
                    recordIssue(
                        "'\(submission.label)' has [\(places)], not one \(condition) error message and one dead-letter copy",
                        sourceLocation: sourceLocation)
                }
                continue
            }
            guard found.count == 1, let outcome = found.first else {
                recordIssue(
                    "'\(submission.label)' has \(found.count) outcomes, not exactly one: [\(places)]",
                    sourceLocation: sourceLocation)
                continue
            }
            check(outcome, against: submission, sourceLocation: sourceLocation)
        }
        for message in unaccounted {
            recordIssue(
                "unaccounted message on \(message.place): message_id \(message.messageId ?? "-"), "
                    + "originalMessageId \(message.header(HeaderName.originalMessageId) ?? "-"), "
                    + "errorCondition \(message.header(HeaderName.errorCondition) ?? "-")",
                sourceLocation: sourceLocation)
        }
    }

    private func check(_ outcome: CollectedMessage, against submission: HostileSubmission, sourceLocation: SourceLocation) {
        let label = submission.label
        let isHubError = outcome.place == .error(submission.sender) && outcome.messageId != submission.messageId
        func expectHubError(condition: String?, description: String?, data: String?) {
            guard isHubError else {
                recordIssue("'\(label)': expected an error message on \(submission.sender)_error, got one on \(outcome.place)",
                             sourceLocation: sourceLocation)
                return
            }
            let got = outcome.header(HeaderName.errorCondition)
            let gotDescription = outcome.header(HeaderName.errorDescription)
            let gotData = outcome.header(HeaderName.errorConditionData)
            if let condition, got != condition {
                recordIssue("'\(label)': errorCondition \(got ?? "-") (\(gotDescription ?? "-")), expected \(condition)",
                             sourceLocation: sourceLocation)
            }
            if let description, gotDescription != description {
                recordIssue("'\(label)': errorDescription '\(gotDescription ?? "-")', expected '\(description)'",
                             sourceLocation: sourceLocation)
            }
            if let data, gotData != data {
                recordIssue("'\(label)': errorConditionData '\(gotData ?? "-")', expected '\(data)'", sourceLocation: sourceLocation)
            }
            // The form of §4.
            if !outcome.delivery.body.isEmpty || outcome.delivery.properties.contentType != "text/plain"
                || outcome.delivery.properties.deliveryMode != AMQPProperties.persistentDeliveryMode
                || outcome.header(HeaderName.toHerId).flatMap(HerId.parse) != submission.sender {
                recordIssue("'\(label)': the error message is not in the form of §4: \(outcome.delivery.properties)",
                             sourceLocation: sourceLocation)
            }
        }
        func expectDelivered() {
            guard outcome.place == .async(submission.receiver) else {
                recordIssue(
                    "'\(label)': expected delivery to \(submission.receiver)_async, got \(outcome.place)"
                        + " \(outcome.header(HeaderName.errorCondition) ?? "") \(outcome.header(HeaderName.errorDescription) ?? "")"
                        + " \(outcome.header(HeaderName.deadLetterReason) ?? "")",
                    sourceLocation: sourceLocation)
                return
            }
            if outcome.delivery.body != submission.body {
                recordIssue("'\(label)': the delivered body is not byte-identical", sourceLocation: sourceLocation)
            }
        }
        func expectDeadLetter(reason: String?) {
            guard outcome.place == .dead else {
                recordIssue(
                    "'\(label)': expected a dead letter, got \(outcome.place) \(outcome.header(HeaderName.errorCondition) ?? "")"
                        + " \(outcome.header(HeaderName.errorDescription) ?? "")",
                    sourceLocation: sourceLocation)
                return
            }
            if let reason, outcome.header(HeaderName.deadLetterReason) != reason {
                recordIssue("'\(label)': dead-letter reason '\(outcome.header(HeaderName.deadLetterReason) ?? "-")', expected '\(reason)'",
                             sourceLocation: sourceLocation)
            }
        }
        switch submission.expect {
        case .delivered:
            expectDelivered()
        case .error(let condition, let description, let data):
            expectHubError(condition: condition, description: description, data: data)
        case .anyError:
            expectHubError(condition: nil, description: nil, data: nil)
        case .deadLetter(let reason):
            expectDeadLetter(reason: reason)
        case .routedError:
            if outcome.place != .error(submission.receiver) || outcome.messageId != submission.messageId {
                recordIssue("'\(label)': expected it routed to \(submission.receiver)_error, got \(outcome.place)",
                             sourceLocation: sourceLocation)
            }
        case .deliveredOrError:
            if outcome.place == .async(submission.receiver) {
                expectDelivered()
            } else {
                expectHubError(condition: nil, description: nil, data: nil)
            }
        case .errorOrDeadLetter:
            if outcome.place == .dead {
                expectDeadLetter(reason: nil)
            } else {
                expectHubError(condition: nil, description: nil, data: nil)
            }
        case .givenUp:
            break  // checked above
        }
    }
}

/// hubd's log file, line by line: each line must be one JSON object with a level and a message,
/// and no line may hold an identity number.
struct HubdLog {
    let raw: Data
    let lines: [String]
    /// The parsed lines (every value hubd writes is a string).
    let entries: [[String: String]]

    init(file: URL) throws {
        raw = try Data(contentsOf: file)
        let text = String(decoding: raw, as: UTF8.self)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        entries = lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object.compactMapValues { $0 as? String }
        }
    }

    var messages: [String] { entries.compactMap { $0["message"] } }

    func verify(sourceLocation: SourceLocation = #_sourceLocation) {
        if String(validating: raw, as: UTF8.self) == nil {
            recordIssue("the log is not valid UTF-8", sourceLocation: sourceLocation)
        }
        #expect(lines.last == "", "the log ends with a complete line", sourceLocation: sourceLocation)
        let levels: Set = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        var bad = 0
        for (number, line) in lines.dropLast().enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let level = object["level"] as? String, levels.contains(level), object["message"] is String,
                  object.values.allSatisfy({ $0 is String })
            else {
                bad += 1
                if bad <= 5 { recordIssue("log line \(number + 1) is not one JSON object of hubd's: \(line.prefix(300))", sourceLocation: sourceLocation) }
                continue
            }
            if NationalIdMask.containsNationalId(line) {
                recordIssue("log line \(number + 1) holds an 11-digit run: \(NationalIdMask.mask(String(line.prefix(300))))",
                             sourceLocation: sourceLocation)
            }
        }
        #expect(bad == 0, "\(bad) of \(lines.count - 1) log lines are not JSON objects", sourceLocation: sourceLocation)
        #expect(!messages.contains("forged"), "no log line was forged", sourceLocation: sourceLocation)
        #expect(messages.filter { $0 == "hubd serving" }.count == 1, "hubd started once and never restarted",
                sourceLocation: sourceLocation)
        #expect(!lines.contains { $0.contains("root:x:0:0") }, "no file content reached the log", sourceLocation: sourceLocation)
    }
}

/// A seeded generator (SplitMix64): the same seed, the same cases, on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Records an issue whose text was built as a `String`.
func recordIssue(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    Issue.record(Comment(rawValue: text), sourceLocation: sourceLocation)
}
