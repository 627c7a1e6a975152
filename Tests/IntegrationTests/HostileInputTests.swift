import AMQPBridge
import Dialogs
import Foundation
import Hub
import Testing

/// The real hubd and the real broker under attack from hostile and careless senders. Every
/// submission gets exactly one outcome (one delivery to the receiver's async queue, one error
/// message on the sender's error queue with the contract's condition, or one dead letter):
/// nothing duplicated, nothing lost, nothing looping. "Nothing else arrived" is checked after a
/// marker has been sent and the store holds nothing pending; then hubd must exit 0 on SIGTERM,
/// and every line of its log must be one JSON object without an identity number.
@Suite(.serialized, .timeLimit(.minutes(2))) struct HostileInputTests {
    static let notWellFormed = "transport:not-well-formed-xml"
    static let invalidField = "transport:invalid-field-value"
    static let missingFields = "One or more fields are missing"
    static let noFromHerId = "fromHerId is missing or not a HER-id"

    // MARK: 1. Entities and DOCTYPEs

    /// Billion laughs, XXE, parameter entities, an internal subset, an external DTD, in every
    /// encoding a document can announce itself in: each refused as not well-formed, nothing
    /// expanded, nothing read from disk.
    @Test func entityAndDoctypeVariantsInEveryEncoding() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        var submissions: [HostileSubmission] = []
        for variant in HostileInput.doctypes {
            for encoding in HostileInput.Encoding.allCases {
                let text = HostileInput.withDoctype(variant.doctype, reference: variant.reference)
                submissions.append(HostileInput.badBody("\(variant.name), \(encoding.rawValue)", encoding.encode(text)))
            }
        }
        submissions.append(HostileInput.good("good after the DOCTYPEs"))
        let started = ContinuousClock.now
        try await hub.publish(submissions)
        let account = try await hub.account(submissions)
        #expect(ContinuousClock.now - started < .seconds(10), "no entity was expanded")
        for outcome in account.outcomes.joined() {
            #expect(!outcome.visibleTexts.contains { $0.contains("root:") }, "no file content in a header")
        }
        try hub.stop()
    }

    // MARK: 2. Deep nesting

    /// 100,000 levels of elements, closed inside the carried Content, unclosed at the root, and
    /// of MsgHead's own elements: refused at once, and a good message right behind is delivered.
    @Test func deepNestingIsRefusedQuickly() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        let depth = 100_000
        let mixed = Array("\(HostileInput.declaration)<MsgHead xmlns=\"http://www.kith.no/xmlstds/msghead/2006-05-24\">".utf8)
            + Array(repeating: Array("<MsgInfo>".utf8), count: depth).flatMap { $0 }
        let submissions = [
            HostileInput.badBody("\(depth) levels inside Content", HostileInput.deepContent(depth: depth)),
            HostileInput.badBody("\(depth) unclosed levels at the root", HostileInput.deepUnclosed(depth: depth)),
            HostileInput.badBody("\(depth) MsgInfo levels", mixed),
        ]
        let good = HostileInput.good("good behind the nesting")
        try await hub.publish(submissions)
        let submitted = ContinuousClock.now
        try await hub.publish([good])
        let took = try await hub.waitFor(
            messageId: try #require(good.messageId), on: .async(TestParties.register), since: submitted, timeout: .seconds(10))
        #expect(took != nil && took! < .seconds(2), "the good message behind was delivered \(took.map { "\($0)" } ?? "never") after submission")
        try await hub.account(submissions + [good])
        try hub.stop()
    }

    // MARK: 3. Attribute floods

    /// One element with 100,000 attributes (about 1 MB), on the root and inside the carried
    /// Content: refused as not well-formed, and a good message submitted right behind it is
    /// delivered within 2 s (the defect: about 19 s of parsing). Then the same at the 16 MiB limit.
    @Test func attributeFloodsAreRefusedWithoutStallingIngress() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        let count = 100_000
        let floods = [
            HostileSubmission(
                label: "\(count) attributes on the root", body: HostileInput.attributeFloodOnRoot(count),
                headers: HostileInput.headers(function: HostileInput.function), expect: .error(Self.notWellFormed)),
            HostileSubmission(
                label: "\(count) attributes inside Content", body: HostileInput.attributeFloodInContent(count),
                headers: HostileInput.headers(function: HostileInput.function), expect: .error(Self.notWellFormed)),
            HostileSubmission(
                label: "16 MiB of attributes", body: HostileInput.attributeFlood(bytes: 16 * 1024 * 1024 - 1),
                headers: HostileInput.headers(function: HostileInput.function), expect: .error(Self.notWellFormed)),
        ]
        var submitted: [HostileSubmission] = []
        for flood in floods {
            #expect(flood.body.count >= 1_000_000, "'\(flood.label)' is \(flood.body.count) bytes")
            let good = HostileInput.good("good behind \(flood.label)")
            try await hub.publish([flood])
            let started = ContinuousClock.now
            try await hub.publish([good])
            submitted += [flood, good]
            let took = try await hub.waitFor(
                messageId: try #require(good.messageId), on: .async(TestParties.register), since: started, timeout: .seconds(5))
            #expect(took != nil && took! < .seconds(2),
                    "the good message behind '\(flood.label)' was delivered \(took.map { "\($0)" } ?? "not within 5 s") after submission")
            // A flood that stalls ingress would stall the rest too (quadratic: hours at 16 MiB).
            guard let took, took < .seconds(5) else {
                Issue.record("stopped after '\(flood.label)': ingress is stalled, the larger floods would take far longer")
                return
            }
        }
        try await hub.account(submitted, timeout: .seconds(60))
        try hub.stop()
    }

    // MARK: 4. Size

    /// Over `max_message_bytes` (100,000 here) by one byte and by far, exactly at it, and empty
    /// bodies of every sort.
    @Test func oversizeAndEmptyBodies() async throws {
        let limit = 100_000
        let hub = try await HostileHub(overrides: ["HUBD_MAX_MESSAGE_BYTES": String(limit)])
        defer { hub.close() }
        var receiverError = HostileInput.headers()
        receiverError[HeaderName.errorCondition] = .string("transport:invalid-field-value")
        receiverError[HeaderName.originalMessageId] = .string(UUID().uuidString.lowercased())
        var unroutable = receiverError
        unroutable[HeaderName.originalMessageId] = nil
        var toNobody = receiverError
        toNobody[HeaderName.toHerId] = .string(HostileInput.identityNumbers[1])
        var fromUnknown = receiverError
        fromUnknown[HeaderName.fromHerId] = .string("99999999")
        var blankCondition = receiverError
        blankCondition[HeaderName.errorCondition] = .string("")
        let submissions = [
            HostileSubmission(label: "exactly the limit", body: HostileInput.padded(to: limit), headers: HostileInput.headers(), expect: .delivered),
            HostileInput.badBody("one byte over the limit", HostileInput.padded(to: limit + 1)),
            HostileInput.badBody("1 MiB over the limit", HostileInput.padded(to: 1 << 20)),
            HostileInput.badBody("empty", []),
            HostileInput.badBody("white space", Array(" \n\t\r\n".utf8)),
            HostileInput.badBody("a NUL byte", [0]),
            HostileInput.badBody("a byte-order mark only", [0xEF, 0xBB, 0xBF]),
            HostileInput.badBody("an XML declaration only", Array(HostileInput.declaration.utf8)),
            HostileSubmission(
                label: "empty, no function anywhere", body: [], headers: HostileInput.headers(),
                expect: .error(Self.invalidField, description: Self.missingFields, data: "Label;")),
            HostileSubmission(
                label: "empty, with errorCondition: a receiver's error message", body: [], headers: receiverError,
                contentType: "text/plain", expect: .routedError),
            HostileSubmission(
                label: "empty, with errorCondition but no originalMessageId", body: [], headers: unroutable,
                contentType: "text/plain",
                expect: .deadLetter(reason: "error message without a usable originalMessageId cannot be routed")),
            HostileSubmission(
                label: "empty, with errorCondition, toHerId an identity number", body: [], headers: toNobody,
                contentType: "text/plain",
                expect: .deadLetter(reason: "error message without a usable toHerId cannot be routed")),
            HostileSubmission(
                label: "empty, with errorCondition, from an unknown sender", body: [], headers: fromUnknown,
                contentType: "text/plain", expect: .deadLetter(reason: "sender 99999999 is not in the registry")),
            HostileSubmission(
                label: "empty, with an empty errorCondition: not an error message", body: [], headers: blankCondition,
                contentType: "text/plain", expect: .error(Self.invalidField, description: Self.missingFields, data: "Label;")),
            HostileSubmission(
                label: "errorCondition with a body is an ordinary submission", body: HostileInput.validBody(),
                headers: receiverError, expect: .delivered),
            HostileInput.good("good after the sizes"),
        ]
        #expect(submissions[0].body.count == limit && submissions[1].body.count == limit + 1)
        try await hub.publish(submissions)
        try await hub.account(submissions)
        try hub.stop()
    }

    // MARK: 5. Not UTF-8

    /// A complete, valid MsgHead in another encoding, declared so (and UTF-8 declared over
    /// Latin-1 bytes): the contract takes UTF-8 only, so each is refused and none is forwarded.
    @Test func nonUTF8BodiesAreRefusedNeverForwarded() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        var submissions: [HostileSubmission] = []
        for encoding in HostileInput.Encoding.allCases where encoding != .utf8 && encoding != .utf8BOM {
            submissions.append(HostileInput.badBody("valid MsgHead in \(encoding.rawValue)", encoding.encode(HostileInput.validText())))
        }
        let mislabelled = HostileInput.validText().unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        submissions.append(HostileInput.badBody("UTF-8 declared over Latin-1 bytes", mislabelled))
        submissions.append(HostileInput.good("good after the encodings"))
        try await hub.publish(submissions)
        try await hub.account(submissions)
        try hub.stop()
    }

    // MARK: 6. Truncations and mutations

    /// A valid message cut at many (seeded) points, and changed by seeded random edits: each gets
    /// exactly one outcome, accounted for by its message_id; what is delivered is byte-identical.
    @Test func truncationsAndMutationsEachGetExactlyOneOutcome() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        var random = SeededGenerator(seed: 0x4855_4244_2026)
        var submissions: [HostileSubmission] = []
        let sample = HostileInput.validBody()
        var points = Set([0, 1, 2, 38, HostileInput.endOfRoot(sample) - 1, HostileInput.endOfRoot(sample), sample.count - 1])
        while points.count < 60 { points.insert(Int.random(in: 0..<sample.count, using: &random)) }
        for point in points.sorted() {
            let body = HostileInput.validBody()
            let end = HostileInput.endOfRoot(body)
            if point >= end {
                // Only trailing white space is gone: still the whole document.
                submissions.append(HostileSubmission(
                    label: "cut at \(point) of \(body.count)", body: Array(body.prefix(point)),
                    headers: HostileInput.headers(function: HostileInput.function), expect: .delivered))
            } else {
                submissions.append(HostileInput.badBody("cut at \(point) of \(body.count)", Array(body.prefix(point))))
            }
        }
        for index in 0..<150 {
            let body = HostileInput.mutate(HostileInput.validBody(), using: &random)
            // Half declare the function in the header, half leave it to the payload.
            submissions.append(HostileSubmission(
                label: "mutation \(index)", body: body,
                headers: HostileInput.headers(function: index.isMultiple(of: 2) ? HostileInput.function : nil),
                expect: .deliveredOrError))
        }
        submissions.append(HostileInput.good("good after the damage"))
        try await hub.publish(submissions)
        let account = try await hub.account(submissions)
        let delivered = account.outcomes.joined().filter { $0.place == .async(TestParties.register) }.count
        let refused = account.outcomes.joined().filter { $0.place == .error(TestParties.helsenorge) }.count
        #expect(delivered + refused == submissions.count, "\(delivered) delivered, \(refused) refused of \(submissions.count)")
        #expect(delivered > points.count / 10 && refused > points.count, "the seed exercises both: \(delivered) delivered, \(refused) refused")
        try hub.stop()
    }

    // MARK: 7. Header types

    /// `fromHerId`, `toHerId`, `applicationTimeStamp` and the function header in every AMQP type
    /// but long string, and no headers at all. docs/wire.md: integers and UTF-8 byte arrays are
    /// read as their text; everything else is not the field.
    @Test func wrongAMQPHeaderTypes() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        func with(_ label: String, _ changes: [String: AMQPFieldValue?], expect: HostileExpectation) -> HostileSubmission {
            var headers = HostileInput.headers()
            for (name, value) in changes { headers[name] = value }
            return HostileSubmission(label: label, body: HostileInput.validBody(), headers: headers, expect: expect)
        }
        let dead = HostileExpectation.deadLetter(reason: Self.noFromHerId)
        let noTo = HostileExpectation.error(Self.invalidField, description: Self.missingFields, data: "toHerId;")
        let noStamp = HostileExpectation.error(Self.invalidField, description: Self.missingFields, data: "applicationTimeStamp;")
        let from = HeaderName.fromHerId
        let to = HeaderName.toHerId
        let stamp = HeaderName.applicationTimeStamp
        let table: AMQPFieldValue = .table(["herId": "10037002"])
        // As deep as AMQPBridge publishes (it refuses deeper); hubd reads 16 levels and no more.
        var nested: AMQPFieldValue = .string("leaf")
        for _ in 0..<AMQPOutboundMessage.maximumNesting { nested = .table(["a": nested]) }
        let submissions = [
            with("fromHerId as int", [from: .int(10_037_002)], expect: .delivered),
            with("fromHerId as UTF-8 bytes", [from: .bytes(Array("10037002".utf8))], expect: .delivered),
            with("fromHerId as bool", [from: .bool(true)], expect: dead),
            with("fromHerId as double", [from: .double(10_037_002)], expect: dead),
            with("fromHerId as bytes that are not UTF-8", [from: .bytes([0xFF, 0x31, 0xFE])], expect: dead),
            with("fromHerId as table", [from: table], expect: dead),
            with("fromHerId as array", [from: .array(["10037002"])], expect: dead),
            with("fromHerId as void", [from: .void], expect: dead),
            with("toHerId as int", [to: .int(10_037_004)], expect: .delivered),
            with("toHerId as UTF-8 bytes", [to: .bytes(Array("10037004".utf8))], expect: .delivered),
            with("toHerId as bool", [to: .bool(false)], expect: noTo),
            with("toHerId as negative int", [to: .int(-10_037_004)], expect: noTo),
            with("toHerId as table", [to: table], expect: noTo),
            with("toHerId as array", [to: .array([.int(10_037_004)])], expect: noTo),
            with("toHerId as void", [to: .void], expect: noTo),
            with("applicationTimeStamp as timestamp", [stamp: .timestamp(UInt64(Date().timeIntervalSince1970))], expect: noStamp),
            with("applicationTimeStamp as int", [stamp: .int(Int64(Date().timeIntervalSince1970))], expect: noStamp),
            with("applicationTimeStamp as table", [stamp: .table(["at": .string(Timestamp.format(Date()))])], expect: noStamp),
            with("function as UTF-8 bytes", [HeaderName.messageType: .bytes(Array(HostileInput.function.utf8))], expect: .delivered),
            with("function as table: not given", [HeaderName.messageType: .table(["V": .string(HostileInput.function)])], expect: .delivered),
            with("function as int", [HeaderName.messageType: .int(5)], expect: .error(
                Self.invalidField, description: "The message function does not match the payload", data: "5;\(HostileInput.function);")),
            with("every routing header a table", [from: table, to: table, stamp: table], expect: dead),
            HostileSubmission(label: "no headers at all", body: HostileInput.validBody(), headers: [:], expect: dead),
            with("a custom header nested as deep as AMQP is sent", ["X-Deep": nested], expect: .delivered),
            with("a custom header array of 10,000 values", ["X-Array": .array(Array(repeating: .int(1), count: 10_000))], expect: .delivered),
            HostileInput.good("good after the header types"),
        ]
        try await hub.publish(submissions)
        let account = try await hub.account(submissions)
        // What hubd sends are long strings, whatever the sender used.
        for label in ["fromHerId as int", "toHerId as int", "fromHerId as UTF-8 bytes", "toHerId as UTF-8 bytes"] {
            let headers = account.outcome(label)?.delivery.properties.headers
            #expect(headers?[from] == .string("10037002") && headers?[to] == .string("10037004"), "'\(label)': \(String(describing: headers))")
        }
        // An error about a toHerId that is not one comes from the hub itself.
        for label in ["toHerId as bool", "toHerId as negative int", "toHerId as table"] {
            #expect(account.outcome(label)?.header(from) == String(TestParties.nhn), "'\(label)'")
        }
        try hub.stop()
    }

    // MARK: 8. Overlong and malformed values

    /// Overlong and malformed header values: each answered by check 1 of the contract, a
    /// malformed value never copied back, well-formed oddities (leading zeros) accepted.
    @Test func overlongAndMalformedHeaderValues() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        func with(
            _ label: String, _ changes: [String: String?] = [:], type: String? = nil, expect: HostileExpectation
        ) -> HostileSubmission {
            var headers = HostileInput.headers()
            for (name, value) in changes { headers[name] = value.map { .string($0) } }
            return HostileSubmission(label: label, body: HostileInput.validBody(), headers: headers, type: type, expect: expect)
        }
        func missing(_ data: String) -> HostileExpectation {
            .error(Self.invalidField, description: Self.missingFields, data: data)
        }
        let dead = HostileExpectation.deadLetter(reason: Self.noFromHerId)
        let function = HeaderName.messageType
        let big = String(repeating: "9", count: 64 * 1024)
        let submissions = [
            with("300-character function", [function: String(repeating: "A", count: 300)], expect: missing("Label;")),
            with("lower-case function", [function: HostileInput.function.lowercased()], expect: missing("Label;")),
            with("function with a space", [function: "DIALOG INNBYGGER"], expect: missing("Label;")),
            with("65-character function", [function: String(repeating: "A", count: 65)], expect: missing("Label;")),
            with("lower-case type property", type: HostileInput.function.lowercased(), expect: missing("Label;")),
            with("255-character type property", type: String(repeating: "B", count: 255), expect: missing("Label;")),
            with("toHerId of 10 digits", [HeaderName.toHerId: "1003700400"], expect: missing("toHerId;")),
            with("toHerId of 11 digits", [HeaderName.toHerId: "06898032297"], expect: missing("toHerId;")),
            with("toHerId with a plus", [HeaderName.toHerId: "+10037004"], expect: missing("toHerId;")),
            with("toHerId with a minus", [HeaderName.toHerId: "-10037004"], expect: missing("toHerId;")),
            with("toHerId with a leading space", [HeaderName.toHerId: " 10037004"], expect: missing("toHerId;")),
            with("toHerId with a trailing space", [HeaderName.toHerId: "10037004 "], expect: missing("toHerId;")),
            with("toHerId with full-width digits", [HeaderName.toHerId: "１００３７００４"], expect: missing("toHerId;")),
            with("toHerId zero", [HeaderName.toHerId: "0"], expect: missing("toHerId;")),
            with("toHerId empty", [HeaderName.toHerId: ""], expect: missing("toHerId;")),
            with("toHerId with a leading zero (9 digits)", [HeaderName.toHerId: "010037004"], expect: .delivered),
            with("toHerId with two leading zeros (10 digits)", [HeaderName.toHerId: "0010037004"], expect: missing("toHerId;")),
            with("fromHerId of 10 digits", [HeaderName.fromHerId: "1003700200"], expect: dead),
            with("fromHerId of 11 digits", [HeaderName.fromHerId: "20835622828"], expect: dead),
            with("fromHerId with a plus", [HeaderName.fromHerId: "+10037002"], expect: dead),
            with("fromHerId with a space", [HeaderName.fromHerId: "10037002 "], expect: dead),
            with("fromHerId with a leading zero (9 digits)", [HeaderName.fromHerId: "010037002"], expect: .delivered),
            with("64 KiB cpaId", [HeaderName.cpaId: big], expect: .delivered),
            with("64 KiB toHerId", [HeaderName.toHerId: big], expect: missing("toHerId;")),
            with("64 KiB fromHerId", [HeaderName.fromHerId: big], expect: dead),
            with("64 KiB function", [function: big], expect: missing("Label;")),
            with("64 KiB applicationTimeStamp", [HeaderName.applicationTimeStamp: big], expect: missing("applicationTimeStamp;")),
            with("64 KiB custom header", ["X-Custom": big], expect: .delivered),
            with("applicationTimeStamp without a date", [HeaderName.applicationTimeStamp: "10:15"], expect: missing("applicationTimeStamp;")),
            with("applicationTimeStamp of month 13", [HeaderName.applicationTimeStamp: "2026-13-01T10:15:00Z"],
                 expect: missing("applicationTimeStamp;")),
            HostileInput.good("good after the values"),
        ]
        try await hub.publish(submissions)

        // A non-numeric expiration cannot be submitted at all (RabbitMQ closes the channel on
        // one; the client refuses it first): it never reaches hubd.
        var nonNumeric = HostileInput.good("non-numeric expiration")
        nonNumeric.expiration = "soon"
        let refused = await hub.probe.client.publish([nonNumeric.outbound(to: hub.parties.submitQueue)], declaring: AMQPQueueOptions())
        #expect(refused.first != .confirmed, "a non-numeric expiration is not accepted by the broker: \(refused)")
        // A numeric but absurd one is ignored or capped, never a reason to lose the message.
        var huge = HostileInput.good("expiration of 2^32-1 ms")
        huge.expiration = "4294967295"
        // Expired at once: the sender is told and the message is a dead letter (§3).
        var zero = HostileInput.good("expiration of 0 ms")
        zero.expiration = "0"
        zero.expect = .givenUp("transport:expired")
        // Accepted, but with the headers hubd adds it no longer fits one AMQP frame: failed (§3;
        // docs/delivery.md), the sender told, and a dead letter, whose copy must reach hubd.dead too.
        var unsendable = HostileInput.good("cpaId that fits a submission but not a delivery")
        unsendable.headers[HeaderName.cpaId] = .string(String(repeating: "c", count: 130_500))
        unsendable.expect = .givenUp("transport:delivery-failed")
        try await hub.publish([huge, zero, unsendable])

        let account = try await hub.account(submissions + [huge, zero, unsendable])
        for label in ["300-character function", "lower-case function", "64 KiB function", "lower-case type property"] {
            let error = account.outcome(label)
            #expect(error?.header(function) == nil && error?.delivery.properties.type == nil,
                    "'\(label)': a malformed function is not copied into the error message")
        }
        for label in ["toHerId of 10 digits", "toHerId of 11 digits", "toHerId with a plus", "64 KiB toHerId"] {
            #expect(account.outcome(label)?.header(HeaderName.fromHerId) == String(TestParties.nhn),
                    "'\(label)': the error comes from the hub, not from the malformed toHerId")
        }
        for outcome in account.outcomes.joined() where outcome.place != .dead {
            #expect(!outcome.visibleTexts.contains { $0.count > 1000 && $0 != big }, "no overlong value echoed")
        }
        #expect(account.outcome("64 KiB cpaId")?.header(HeaderName.cpaId) == big, "cpaId is passed on unchanged")
        // Nor into the log (wire contract §2, check 1): a malformed HER-id is named as such.
        for value in ["1003700400", "+10037004"] {
            #expect(!hub.hubd.log.contains(value), "the malformed toHerId \(value) is in hubd's log")
        }
        #expect(hub.hubd.log.contains(#""toHerId":"(malformed)""#))
        try hub.stop()
    }

    // MARK: 9. Identity numbers

    /// An identity number in every header and property a sender controls, one per submission:
    /// no message hubd publishes (deliveries, error messages, dead-letter copies) carries an
    /// 11-digit run outside a UUID in any header name, header value or property, and neither
    /// does any line of its log. (Bodies may carry the patient's number; they are not logged.)
    @Test func identityNumbersNeverLeaveInHeadersOrTheLog() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        var submissions: [HostileSubmission] = []
        for (round, number) in HostileInput.identityNumbers.enumerated() {
            func add(_ place: String, expect: HostileExpectation, _ change: (inout HostileSubmission) -> Void) {
                var submission = HostileSubmission(
                    label: "\(place) = \(round == 0 ? "first" : "second") number", body: HostileInput.validBody(),
                    headers: HostileInput.headers(), expect: expect)
                change(&submission)
                submissions.append(submission)
            }
            add("fromHerId", expect: .deadLetter(reason: Self.noFromHerId)) { $0.headers[HeaderName.fromHerId] = .string(number) }
            add("fromHerId as int", expect: .deadLetter(reason: Self.noFromHerId)) { $0.headers[HeaderName.fromHerId] = .int(Int64(number)!) }
            add("toHerId", expect: .error(Self.invalidField, data: "toHerId;")) { $0.headers[HeaderName.toHerId] = .string(number) }
            add("applicationTimeStamp", expect: .error(Self.invalidField, data: "applicationTimeStamp;")) {
                $0.headers[HeaderName.applicationTimeStamp] = .string(number)
            }
            // A fraction of 11 digits is no time: malformed, refused, and never echoed.
            add("applicationTimeStamp fraction", expect: .error(Self.invalidField, data: "applicationTimeStamp;")) {
                $0.headers[HeaderName.applicationTimeStamp] = .string("2026-03-04T10:15:00.\(number)+01:00")
            }
            // Digits are allowed in a function: well-formed, so it reaches check 5 and is echoed.
            add("X-MessageInfo-Type", expect: .error(Self.invalidField, description: "The message function does not match the payload")) {
                $0.headers[HeaderName.messageType] = .string(number)
            }
            add("X-MessageInfo-Type prefixed", expect: .error(Self.invalidField, description: "The message function does not match the payload")) {
                $0.headers[HeaderName.messageType] = .string("DIALOG_\(number)")
            }
            add("type", expect: .error(Self.invalidField, description: "The message function does not match the payload")) {
                $0.type = number
            }
            add("cpaId", expect: .delivered) { $0.headers[HeaderName.cpaId] = .string(number) }
            add("cpaId in text", expect: .delivered) { $0.headers[HeaderName.cpaId] = .string("cpa-\(number)-x") }
            add("correlation_id", expect: .delivered) { $0.correlationId = number }
            add("message_id", expect: .error(Self.invalidField, data: "MessageId;")) { $0.messageId = number }
            add("message_id in text", expect: .error(Self.invalidField, data: "MessageId;")) { $0.messageId = "id-\(number)" }
            add("expiration", expect: .delivered) { $0.expiration = number }
            add("custom header", expect: .delivered) { $0.headers["X-Custom"] = .string(number) }
            add("custom header name", expect: .delivered) { $0.headers["X-\(number)"] = .string("x") }
            add("nested custom header", expect: .delivered) { $0.headers["X-Nested"] = .table(["fnr": .string(number), "list": .array([.string(number)])]) }
            add("originalMessageId on a submission", expect: .delivered) { $0.headers[HeaderName.originalMessageId] = .string(number) }
            add("contentType parameter", expect: .delivered) { $0.contentType = "application/xml; x=\(number)" }
            // With a sender that cannot be answered, everything lands in the dead letters. The two
            // rounds differ only in the number: two submissions, two dead letters.
            add("everything, dead-lettered", expect: .deadLetter(reason: Self.noFromHerId)) {
                $0.headers = [
                    HeaderName.fromHerId: .string(number), HeaderName.toHerId: .string(number),
                    HeaderName.applicationTimeStamp: .string(number), HeaderName.messageType: .string(number),
                    HeaderName.cpaId: .string(number), "X-Custom": .string(number), "X-\(number)": .string(number),
                ]
                $0.type = number
                $0.correlationId = number
                $0.messageId = "dead-\(number)"
            }
        }
        // A UUID may hold 11 digits in its last group: a message id, passed on whole.
        var uuid = HostileInput.good("message_id a UUID with 11 digits in a row")
        uuid.messageId = "3f2a9c1e-1b2c-4d5e-8f90-a\(HostileInput.identityNumbers[0])"
        submissions.append(uuid)
        submissions.append(HostileInput.good("good after the numbers"))
        try await hub.publish(submissions)
        let account = try await hub.account(submissions)
        #expect(account.outcome(uuid.label)?.messageId == uuid.messageId, "a UUID message id travels whole")

        // Everything taken off every queue of this test, markers included.
        let published = await hub.collect() + hub.markers
        #expect(published.count >= submissions.count)
        for message in published {
            for text in message.visibleTexts where NationalIdMask.containsNationalId(text) {
                Issue.record("a message on \(message.place) (message_id \(NationalIdMask.mask(message.messageId ?? "-"))) carries an identity number: \(NationalIdMask.mask(String(text.prefix(200))))")
            }
        }
        // Every line was checked for an 11-digit run outside a UUID.
        try hub.stop()
    }

    // MARK: 10. Control characters

    /// CR/LF, ANSI escapes, NUL and Unicode line separators in header values, properties and
    /// message ids: every line of the log is still one JSON object of hubd's, none forged.
    @Test func controlCharactersCannotForgeLogLines() async throws {
        let hub = try await HostileHub()
        defer { hub.close() }
        let forged = "x\n{\"time\":\"2026-01-01T00:00:00Z\",\"level\":\"critical\",\"label\":\"hubd\",\"source\":\"hubd\",\"message\":\"forged\"}"
        let values = [
            forged, "x\r\n{\"level\":\"critical\",\"message\":\"forged\"}\r\n", "\u{1B}[31mred\u{1B}[0m\u{1B}]0;title\u{07}",
            "nul\u{0}byte", "line\u{2028}separator\u{2029}", "next\u{85}line", "\r", "back\\\"slash\"quote",
        ]
        var submissions: [HostileSubmission] = []
        for (index, value) in values.enumerated() {
            func add(_ place: String, expect: HostileExpectation, _ change: (inout HostileSubmission) -> Void) {
                var submission = HostileSubmission(
                    label: "\(place) with value \(index)", body: HostileInput.validBody(), headers: HostileInput.headers(), expect: expect)
                change(&submission)
                submissions.append(submission)
            }
            let wellFormedId = HostileSubmission.isWellFormedMessageId(value)
            add("fromHerId", expect: .deadLetter(reason: Self.noFromHerId)) { $0.headers[HeaderName.fromHerId] = .string(value) }
            add("toHerId", expect: .error(Self.invalidField, data: "toHerId;")) { $0.headers[HeaderName.toHerId] = .string(value) }
            add("X-MessageInfo-Type", expect: .error(Self.invalidField, data: "Label;")) { $0.headers[HeaderName.messageType] = .string(value) }
            add("type", expect: .error(Self.invalidField, data: "Label;")) { $0.type = value }
            add("applicationTimeStamp", expect: .error(Self.invalidField, data: "applicationTimeStamp;")) {
                $0.headers[HeaderName.applicationTimeStamp] = .string(value)
            }
            add("content_type", expect: .error(Self.invalidField, data: "ContentType;")) { $0.contentType = "application/xml\(value)" }
            add("cpaId", expect: .delivered) { $0.headers[HeaderName.cpaId] = .string(value) }
            add("custom header", expect: .delivered) { $0.headers["X-Custom\(value)"] = .string(value) }
            add("correlation_id", expect: .delivered) { $0.correlationId = value }
            add("message_id", expect: wellFormedId ? .delivered : .error(Self.invalidField, data: "MessageId;")) { $0.messageId = value }
            add("message_id of a dead letter", expect: .deadLetter(reason: Self.noFromHerId)) {
                $0.messageId = "dead-\(index)-\(value)"
                $0.headers[HeaderName.fromHerId] = nil
            }
        }
        // Malformed message ids are stored cut to 200 characters (and logged as malformed): two
        // that differ only after that are still two submissions, two dead letters.
        for tail in ["A", "B"] {
            var submission = HostileInput.good("dead letter with a long malformed message_id ending in \(tail)")
            submission.messageId = "\u{7}" + String(repeating: "x", count: 240) + tail
            submission.headers[HeaderName.fromHerId] = nil
            submission.expect = .deadLetter(reason: Self.noFromHerId)
            submissions.append(submission)
        }
        submissions.append(HostileInput.good("good after the control characters"))
        try await hub.publish(submissions)
        try await hub.account(submissions)
        let log = try hub.stop()
        #expect(!log.raw.contains(0x1B) && !log.raw.contains(0x00), "no raw escape or NUL byte in the log")
        #expect(log.entries.filter { $0["level"] == "critical" }.isEmpty, "nothing critical happened, nor was it forged")
        // The refusals were logged, and the hostile values not copied into the log (wire contract
        // §2, check 1): each malformed field is named as such.
        #expect(log.entries.contains { $0["toHerId"] == "(malformed)" }, "the forged toHerId's refusal was logged")
        #expect(log.entries.contains { $0["fromHerId"] == "(malformed)" }, "the ANSI escape's dead letter was logged")
        #expect(!log.entries.contains { ($0["toHerId"] ?? "").contains("{\"time\"") || ($0["fromHerId"] ?? "").contains("[31m") },
                "no hostile value is in the log, escaped or not")
    }

    // MARK: 11. Under concurrency

    /// Four publishers at once, 500 bad submissions of the kinds above among 500 good ones:
    /// every good one delivered exactly once, every bad one answered exactly once, nothing left
    /// on the submission queue, hubd alive and exiting 0 on SIGTERM.
    @Test func badAndGoodInterleavedUnderConcurrency() async throws {
        let limit = 50_000
        let hub = try await HostileHub(overrides: ["HUBD_MAX_MESSAGE_BYTES": String(limit)])
        defer { hub.close() }
        var random = SeededGenerator(seed: 0xBAD_600D)
        func bad(_ index: Int) -> HostileSubmission {
            let label = "bad \(index)"
            let kind = index % 12
            switch kind {
            case 0:
                let variant = HostileInput.doctypes[index / 12 % HostileInput.doctypes.count]
                let encoding = HostileInput.Encoding.allCases[index / 72 % HostileInput.Encoding.allCases.count]
                return HostileInput.badBody(label + " DOCTYPE", encoding.encode(HostileInput.withDoctype(variant.doctype, reference: variant.reference)))
            case 1:
                let body = HostileInput.validBody()
                return HostileInput.badBody(label + " truncated", Array(body.prefix(Int.random(in: 0..<HostileInput.endOfRoot(body), using: &random))))
            case 2:
                return HostileInput.badBody(label + " oversize", HostileInput.padded(to: limit + 1 + Int.random(in: 0..<1000, using: &random)))
            case 3:
                return HostileInput.badBody(label + " empty", [])
            case 4:
                var submission = HostileInput.good(label + " fromHerId void")
                submission.headers[HeaderName.fromHerId] = .void
                submission.expect = .deadLetter(reason: Self.noFromHerId)
                return submission
            case 5:
                var submission = HostileInput.good(label + " fromHerId an identity number")
                submission.headers[HeaderName.fromHerId] = .string(HostileInput.identityNumbers[index % 2])
                submission.expect = .deadLetter(reason: Self.noFromHerId)
                return submission
            case 6:
                var submission = HostileInput.good(label + " toHerId signed")
                submission.headers[HeaderName.toHerId] = .string("+10037004")
                submission.expect = .error(Self.invalidField, description: Self.missingFields, data: "toHerId;")
                return submission
            case 7:
                var submission = HostileInput.good(label + " forged log line in toHerId and cpaId")
                submission.headers[HeaderName.toHerId] = .string("1\n{\"level\":\"critical\",\"message\":\"forged\"}")
                submission.headers[HeaderName.cpaId] = .string("\u{1B}[31m\r\n")
                submission.expect = .error(Self.invalidField, description: Self.missingFields, data: "toHerId;")
                return submission
            case 8:
                return HostileInput.badBody(label + " 10,000 levels", HostileInput.deepUnclosed(depth: 10_000))
            case 9:
                return HostileSubmission(
                    label: label + " 3,000 attributes on the root", body: HostileInput.attributeFloodOnRoot(3000),
                    headers: HostileInput.headers(function: HostileInput.function), expect: .error(Self.notWellFormed))
            case 10:
                // The payload's sender is the portal, the header says the access service.
                return HostileSubmission(
                    label: label + " spoofed sender", body: HostileInput.validBody(),
                    headers: HostileInput.headers(from: TestParties.pts), sender: TestParties.pts,
                    expect: .error("abuse:spoofing-attack", data: "\(TestParties.pts);\(TestParties.helsenorge);"))
            default:
                var submission = HostileInput.good(label + " lower-case function")
                submission.headers[HeaderName.messageType] = .string(HostileInput.function.lowercased())
                submission.expect = .error(Self.invalidField, description: Self.missingFields, data: "Label;")
                return submission
            }
        }
        var all: [HostileSubmission] = []
        for index in 0..<500 {
            all.append(bad(index))
            all.append(HostileInput.good("good \(index)"))
        }
        all.shuffle(using: &random)
        let shares = (0..<4).map { publisher in stride(from: publisher, to: all.count, by: 4).map { all[$0] } }
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for share in shares {
                group.addTask {
                    let publisher = try BrokerProbe()
                    defer { Task { await publisher.close() } }
                    // Small batches, so the four streams interleave on the queue.
                    var start = 0
                    while start < share.count {
                        try await hub.publish(Array(share[start..<min(start + 10, share.count)]), through: publisher)
                        start += 10
                    }
                }
            }
            try await group.waitForAll()
        }
        let account = try await hub.account(all, timeout: .seconds(60))
        let elapsed = ContinuousClock.now - started
        let goodIds = all.filter { $0.label.hasPrefix("good") }.compactMap(\.messageId)
        let delivered = account.outcomes.joined().filter { $0.place == .async(TestParties.register) }.compactMap(\.messageId)
        #expect(Set(delivered) == Set(goodIds) && delivered.count == goodIds.count, "every good one delivered once")
        #expect(elapsed < .seconds(60), "1000 submissions took \(elapsed)")
        try hub.stop()
    }
}
