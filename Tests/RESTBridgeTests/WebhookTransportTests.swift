import AsyncHTTPClient
import Foundation
import Hub
import Logging
import RESTBridge
import Testing

/// The webhook transport against a real HTTP receiver on loopback.
@Suite(.timeLimit(.minutes(2))) struct WebhookTransportTests {
    static let secret = "s3cret-for-tests"
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func envelope(to url: String, id: String = "6f1c3a52-8a3e-4a57-9d55-2b7c1e0f4a10") -> OutboundEnvelope {
        OutboundEnvelope(
            destination: .endpoint(WebhookEndpoint(url: url, secret: secret)),
            properties: MessageProperties(messageId: id, contentType: "application/xml"),
            body: Array("<MsgHead>\u{0}æøå</MsgHead>".utf8),
            webhook: .message(MessageSummary(
                id: id, senderHerId: 8_142_987, receiverHerIds: [8_142_519], businessDocumentId: "msg-\(id)",
                businessDocumentGenDate: nil, businessDocumentMsgType: "DIALOG_HELSEFAGLIG", contentType: "application/xml",
                status: .accepted)))
    }

    static func summary(of envelope: OutboundEnvelope) -> MessageSummary? {
        if case .message(let summary) = envelope.webhook { summary } else { nil }
    }

    /// Runs `test` with a transport over a client of its own (shut down afterwards).
    static func withTransport<T: Sendable>(
        timeout: Duration = .seconds(10), maxConcurrent: Int = 16,
        redirects: HTTPClient.Configuration.RedirectConfiguration = .disallow,
        _ test: (WebhookTransport) async throws -> T
    ) async throws -> T {
        let client = HTTPClient(configuration: .init(redirectConfiguration: redirects))
        let transport = WebhookTransport(
            client: client, timeout: timeout, maxConcurrent: maxConcurrent, clock: { now },
            logger: Logger(label: "webhook-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            let result = try await test(transport)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    @Test func postsTheSignedSummaryAndDocument() async throws {
        let receiver = WebhookReceiver(script: [.status(200)])
        let (envelope, outcomes) = try await receiver.run { url in
            let envelope = Self.envelope(to: url)
            return (envelope, try await Self.withTransport { await $0.send([envelope]) })
        }
        #expect(outcomes == [.sent])
        let request = try #require(receiver.received.first)
        #expect(receiver.received.count == 1)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["user-agent"] == "hubd")
        #expect(request.headers["idempotency-key"] == envelope.properties.messageId)
        let signature = try #require(request.headers["hubd-signature"])
        #expect(signature.hasPrefix("t=1700000000,v1="))
        #expect(WebhookSignature.verify(header: signature, secret: Self.secret, body: request.body, now: 1_700_000_000))

        // The summary's fields under their own names, and the document beside them.
        #expect(try JSONDecoder().decode(MessageSummary.self, from: Data(request.body)) == Self.summary(of: envelope))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(object["status"] as? String == "accepted")
        let document = try #require(object["businessDocument"] as? String)
        #expect(Data(base64Encoded: document).map(Array.init) == envelope.body)
        // Compact, with sorted keys: the bytes a receiver verifies are stable.
        #expect(String(decoding: request.body, as: UTF8.self).hasPrefix(#"{"businessDocument":""#))
        #expect(!request.body.contains(UInt8(ascii: "\n")))
    }

    @Test(arguments: [
        (200, SendOutcome.sent),
        (204, .sent),
        (409, .sent),
        (400, .refused("refused by the receiver's endpoint: HTTP 400")),
        (404, .refused("refused by the receiver's endpoint: HTTP 404")),
        (408, .transientFailure("endpoint answered HTTP 408")),
        (429, .transientFailure("endpoint answered HTTP 429")),
        (503, .transientFailure("endpoint answered HTTP 503")),
        (302, .transientFailure("endpoint answered HTTP 302")),
    ])
    func answerDecidesTheOutcome(status: Int, expected: SendOutcome) async throws {
        let receiver = WebhookReceiver(script: [.status(status)])
        let outcomes = try await receiver.run { url in
            try await Self.withTransport { await $0.send([Self.envelope(to: url)]) }
        }
        #expect(outcomes == [expected])
    }

    /// Whether or not the client follows it, a redirect is the endpoint's answer: the message is
    /// not sent on the word of another URL.
    @Test(arguments: [
        (HTTPClient.Configuration.RedirectConfiguration.disallow, 1),
        (.follow(max: 3, allowCycles: true), 2),
    ])
    func redirectIsATransientFailure(redirects: HTTPClient.Configuration.RedirectConfiguration, requests: Int) async throws {
        let receiver = WebhookReceiver(script: [.redirect, .status(200)])
        let outcomes = try await receiver.run { url in
            try await Self.withTransport(redirects: redirects) { await $0.send([Self.envelope(to: url)]) }
        }
        #expect(outcomes == [.transientFailure("endpoint answered HTTP 307")])
        #expect(receiver.received.count == requests)
    }

    @Test func closedPortIsATransientFailure() async throws {
        // A port the receiver listened on and no longer does.
        let url = try await WebhookReceiver(script: []).run { $0 }
        let outcomes = try await Self.withTransport(timeout: .seconds(1)) { await $0.send([Self.envelope(to: url)]) }
        #expect(outcomes == [.transientFailure("connection refused")])
    }

    @Test func failedTLSIsATransientFailure() async throws {
        let receiver = WebhookReceiver(script: [])
        let outcomes = try await receiver.run { url in
            // TLS to a server that speaks plain HTTP.
            let https = url.replacingOccurrences(of: "http://", with: "https://")
            return try await Self.withTransport(timeout: .seconds(1)) { await $0.send([Self.envelope(to: https)]) }
        }
        let outcome = try #require(outcomes.first)
        guard case .transientFailure(let reason) = outcome else {
            Issue.record("expected a transient failure, got \(outcome)")
            return
        }
        #expect(reason == "TLS failed: WRONG_VERSION_NUMBER")
    }

    @Test func silentEndpointIsATransientFailureAfterTheTimeout() async throws {
        let receiver = WebhookReceiver(script: [.hang])
        let started = ContinuousClock.now
        let outcomes = try await receiver.run { url in
            try await Self.withTransport(timeout: .seconds(1)) { await $0.send([Self.envelope(to: url)]) }
        }
        #expect(outcomes == [.transientFailure("no answer within 1.0 seconds")])
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// The status decides; the body is read only so far, and only until the timeout.
    @Test(arguments: [WebhookReceiver.Answer.largeBody, .endlessBody])
    func answerBodyIsDroppedWithinTheTimeout(answer: WebhookReceiver.Answer) async throws {
        let receiver = WebhookReceiver(script: [answer])
        let started = ContinuousClock.now
        let outcomes = try await receiver.run { url in
            try await Self.withTransport(timeout: .seconds(1)) { await $0.send([Self.envelope(to: url)]) }
        }
        #expect(outcomes == [.sent])
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func batchGetsOneOutcomePerEnvelopeInOrder() async throws {
        // Odd-numbered messages are refused; every answer takes a while, so requests overlap.
        let receiver = WebhookReceiver(delay: .milliseconds(50)) { request in
            (request.headers["idempotency-key"]?.last?.wholeNumberValue ?? 0) % 2 == 1 ? .status(400) : .status(200)
        }
        let outcomes = try await receiver.run { url in
            let batch = (0..<20).map { Self.envelope(to: url, id: "message-\($0)") }
            return try await Self.withTransport(maxConcurrent: 4) { await $0.send(batch) }
        }
        #expect(outcomes == (0..<20).map { $0 % 2 == 1 ? .refused("refused by the receiver's endpoint: HTTP 400") : .sent })
        #expect(receiver.received.count == 20)
        #expect((2...4).contains(receiver.peakInFlight))
    }

    @Test func envelopesItCannotPostFailForGoodInPlace() async throws {
        var withoutSummary = Self.envelope(to: "http://127.0.0.1:1/hook")
        withoutSummary.webhook = nil
        let queued = OutboundEnvelope(destination: .queue("8142519_async"), properties: MessageProperties(), body: [])
        let outcomes = try await Self.withTransport { await $0.send([queued, withoutSummary]) }
        #expect(outcomes == [
            .permanentFailure("not an HTTP endpoint"), .permanentFailure("no webhook content for the body"),
        ])
    }
}
