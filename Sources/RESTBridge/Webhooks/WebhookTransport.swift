import AsyncHTTPClient
import Foundation
import Hub
import Logging
import NIOCore

/// Webhook parties' endpoints as the hub's outbound transport (rest.md §5): each message is
/// POSTed to its party's URL as the JSON of `GET /messages/{id}` plus `businessDocument` (the
/// document's bytes in base64), an event or a PROMs order update as its own JSON (events.md §4,
/// proms.md §1), signed with the party's secret (``WebhookSignature``), and the answer decides
/// the outcome:
///
/// - 2xx, or 409 (taken before: the `Idempotency-Key` repeats the message id): `sent`;
/// - 408, 429, 3xx, 5xx: a transient failure, retried with the delivery policy;
/// - any other 4xx: `refused` (the message is `rejected` and its sender told);
/// - no answer within `timeout`, a refused connection, a failed TLS handshake: a transient failure.
///
/// An envelope without webhook content fails permanently: the hub gives it to every envelope
/// for an endpoint, and a body without it would not be the contract's.
///
/// Redirects are not followed: a receiver's endpoint is configured, not discovered, and another
/// URL must not take a message in its name. The client should be made with
/// `redirectConfiguration: .disallow`; if it follows a redirect anyway, the first answer still
/// decides, so the message is not `sent` on the word of the redirect's target.
///
/// ```swift
/// let transport = WebhookTransport(client: httpClient, logger: logger)
/// let outcomes = await transport.send(envelopes)
/// ```
package final class WebhookTransport: OutboundTransport {
    private let client: HTTPClient
    private let timeout: Duration
    private let maxConcurrent: Int
    private let clock: @Sendable () -> Date
    private let logger: Logger

    /// The most of an answer's body read before it is dropped. Reading a short body lets the
    /// connection be reused; the body itself says nothing the status does not.
    private static let answerReadLimit = 64 * 1024

    /// - Parameters:
    ///   - client: hubd's HTTP client; hubd starts and shuts it down.
    ///   - timeout: how long one POST may take, from connecting to reading the answer.
    ///   - maxConcurrent: how many POSTs of a batch are in flight at once (at least one).
    ///   - clock: the time the signatures carry.
    package init(
        client: HTTPClient, timeout: Duration = .seconds(10), maxConcurrent: Int = 16,
        clock: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.client = client
        self.timeout = timeout
        self.maxConcurrent = max(1, maxConcurrent)
        self.clock = clock
        self.logger = logger
    }

    /// POSTs the batch's envelopes for endpoints, at most `maxConcurrent` at once; one for
    /// another kind of destination fails for good (the hub gives those to their own transport).
    package func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome] {
        await withTaskGroup(of: (index: Int, outcome: SendOutcome).self) { group in
            var outcomes = [SendOutcome](repeating: .permanentFailure("not an HTTP endpoint"), count: batch.count)
            var inFlight = 0
            for (index, envelope) in batch.enumerated() {
                guard case .endpoint(let endpoint) = envelope.destination else { continue }
                guard let content = envelope.webhook else {
                    outcomes[index] = .permanentFailure("no webhook content for the body")
                    continue
                }
                if inFlight == maxConcurrent, let done = await group.next() {
                    outcomes[done.index] = done.outcome
                    inFlight -= 1
                }
                group.addTask { (index, await self.post(content, document: envelope.body, to: endpoint)) }
                inFlight += 1
            }
            for await done in group { outcomes[done.index] = done.outcome }
            return outcomes
        }
    }

    private func post(_ content: WebhookContent, document: [UInt8], to endpoint: WebhookEndpoint) async -> SendOutcome {
        let body: [UInt8]
        let idempotencyKey: String
        switch content {
        case .message(let summary):
            do {
                body = try Self.body(summary, document: document)
            } catch {
                return .permanentFailure("cannot encode the webhook body: \(error)")
            }
            idempotencyKey = summary.id
        case .document(let key):
            body = document
            idempotencyKey = key
        }
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        let timestamp = Int(clock().timeIntervalSince1970.rounded(.down))
        request.headers.add(name: "hubd-signature", value: WebhookSignature.header(secret: endpoint.secret, timestamp: timestamp, body: body))
        request.headers.add(name: "User-Agent", value: "hubd")
        request.body = .bytes(body)

        let deadline = ContinuousClock.now + timeout
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            await Self.discard(response.body, until: deadline)
            // `history` starts with the first answer, which is this one unless the client followed a redirect.
            return Self.outcome(forStatus: (response.history.first?.responseHead.status ?? response.status).code)
        } catch {
            let reason = HTTPFailureReason.describe(error, timeout: timeout, host: "the endpoint")
            logger.debug("webhook POST failed", metadata: ["url": "\(endpoint.url)", "reason": "\(reason)", "error": "\(error)"])
            return .transientFailure(reason)
        }
    }

    /// The JSON of `GET /messages/{id}` (the same encoder, so the same keys and format) with
    /// `businessDocument` added.
    private static func body(_ summary: MessageSummary, document: [UInt8]) throws -> [UInt8] {
        Array(try JSONEncoder.sorted.encode(WebhookBody(summary: summary, businessDocument: Data(document).base64EncodedString())))
    }

    private static func outcome(forStatus code: UInt) -> SendOutcome {
        switch code {
        case 200..<300, 409: .sent
        case 408, 429: .transientFailure("endpoint answered HTTP \(code)")
        case 400..<500: .refused("refused by the receiver's endpoint: HTTP \(code)")
        default: .transientFailure("endpoint answered HTTP \(code)")
        }
    }

    /// Reads and drops at most ``answerReadLimit`` bytes of an answer's body, stopping at
    /// `deadline`: the outcome is already decided, and a slow body must not hold the batch.
    private static func discard(_ body: HTTPClientResponse.Body, until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var read = 0
                do {
                    for try await chunk in body {
                        read += chunk.readableBytes
                        if read >= answerReadLimit { break }
                    }
                } catch {
                    // A body cut short changes nothing: the status has answered.
                }
            }
            group.addTask { try? await Task.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }
}

/// A webhook's body: the message summary's fields, and the document beside them.
private struct WebhookBody: Encodable {
    var summary: MessageSummary
    var businessDocument: String

    private enum CodingKeys: String, CodingKey {
        case businessDocument
    }

    func encode(to encoder: any Encoder) throws {
        // The summary writes its own keys into the same JSON object, so a field added to it
        // reaches webhooks as it reaches `GET /messages/{id}`.
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(businessDocument, forKey: .businessDocument)
    }
}
