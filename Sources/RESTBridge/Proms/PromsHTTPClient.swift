import AddressRegistry
import AsyncHTTPClient
import Foundation
import Hub
import Logging
import NIOCore

/// The national PROMs service over its published API (proms.md §2): `POST {base}/api/v2/formorder`
/// with `Authorization: Basic <api key>` (the raw key, as the service expects) and
/// `Idempotency-Key: <hubd's order id>`, so that an order sent again after a crash is the same
/// order at the service.
///
/// The answer decides: 2xx with an id → ordered (an all-zero id: the patient is unknown, no
/// order); 408, 429, 3xx, 5xx, no answer within `timeout`, no connection → unavailable, tried
/// again; any other 4xx → refused. Redirects are not followed (the client is made with
/// `redirectConfiguration: .disallow`): the service's URL is configured, not discovered.
///
/// ```swift
/// let service = PromsHTTPClient(client: httpClient, baseURL: "https://proms.example.no/promswebapi",
///                               apiKey: key, logger: logger)
/// let placement = await service.place(order)
/// ```
package struct PromsHTTPClient: PromsServiceClient {
    private let client: HTTPClient
    private let url: String
    private let apiKey: String
    private let timeout: Duration
    private let logger: Logger

    /// The most of an answer read: the service answers with a few short fields.
    private static let answerLimit = 1024 * 1024

    /// - Parameters:
    ///   - baseURL: the service's base URL; `/api/v2/formorder` is added to it.
    ///   - apiKey: the key the service gave hubd, sent as it is after `Basic `.
    ///   - timeout: how long one request may take, from connecting to reading the answer.
    package init(client: HTTPClient, baseURL: String, apiKey: String, timeout: Duration = .seconds(30), logger: Logger) {
        self.client = client
        url = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/api/v2/formorder"
        self.apiKey = apiKey
        self.timeout = timeout
        self.logger = logger
    }

    package func place(_ order: PromsFormOrder) async -> PromsPlacement {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Basic \(apiKey)")
        request.headers.add(name: "Idempotency-Key", value: order.id)
        request.headers.add(name: "User-Agent", value: "hubd")
        do {
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(FormOrderBody(order))))
        } catch {
            return .refused("the order cannot be encoded: \(error)")
        }
        let fetched: HTTPAnswer
        do {
            fetched = try await HTTPAnswer.fetch(request, with: client, timeout: timeout, limit: Self.answerLimit)
        } catch {
            let reason = HTTPFailureReason.describe(error, timeout: timeout, host: "the PROMs service")
            logger.debug("PROMs order request failed", metadata: ["proms_order_id": "\(order.id)", "error": "\(error)"])
            return .unavailable(reason)
        }
        let (status, answer) = (fetched.status, fetched.body)
        switch status {
        case 200..<300:
            guard let placed = try? JSONDecoder().decode(FormOrderAnswer.self, from: Data(buffer: answer)),
                  let id = placed.id, !id.isEmpty else {
                // Sent again under the same key, the service answers with the order it made, if any.
                return .unavailable("the PROMs service answered HTTP \(status) without an order id")
            }
            if id.allSatisfy({ $0 == "0" || $0 == "-" }) { return .unknownPatient }
            return .ordered(formOrderId: id, notificationChannel: placed.notificationChannel?.text)
        case 408, 429:
            return .unavailable("the PROMs service answered HTTP \(status)")
        case 400..<500:
            return .refused("the PROMs service refused the order: HTTP \(status)")
        default:
            return .unavailable("the PROMs service answered HTTP \(status)")
        }
    }
}

/// The body of `POST /api/v2/formorder`, every field of proms.md §2 (`reminderDate` null).
private struct FormOrderBody: Encodable {
    var order: PromsFormOrder

    init(_ order: PromsFormOrder) {
        self.order = order
    }

    private enum CodingKeys: String, CodingKey {
        case formId, nationalId, expiryDate, reminderDate, metadata, dontStoreCompletedFormInPha, distributionRule
        case mustBeSigned, testMode
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order.formId, forKey: .formId)
        try container.encode(order.nationalId.digits, forKey: .nationalId)
        try container.encode(order.expiryDate, forKey: .expiryDate)
        try container.encodeNil(forKey: .reminderDate)
        try container.encode(order.metadata, forKey: .metadata)
        try container.encode(false, forKey: .dontStoreCompletedFormInPha)
        try container.encode(order.distributionRule.rawValue, forKey: .distributionRule)
        try container.encode(false, forKey: .mustBeSigned)
        try container.encode(false, forKey: .testMode)
    }
}

/// What the service answers; `singleUseCode` and `loginUrl` are the patient's and not read.
private struct FormOrderAnswer: Decodable {
    var id: String?
    /// A name or, from some versions, the enum's number.
    var notificationChannel: JSONValue?
}
