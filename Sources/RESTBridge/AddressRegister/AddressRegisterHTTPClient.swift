import AddressRegistry
import AsyncHTTPClient
import Foundation
import Hub
import Logging
import NIOCore

/// AR's CommunicationParty API v1 over HTTP (`ar-communicationparty-api-v1.json`): the export,
/// the batched lookup and the event feed, with a HelseID token when one is configured (without,
/// no `Authorization` header: a test AR, or one behind a proxy that adds it).
///
/// Every answer but 2xx is an error naming the call and the status; 401 and 403 also drop the
/// kept token, so the next call fetches a new one. Redirects are not followed (the client is
/// made with `redirectConfiguration: .disallow`): AR's URL is configured, not discovered.
///
/// ```swift
/// let ar = AddressRegisterHTTPClient(client: httpClient, baseURL: "https://cpapi.test.grunndata.nhn.no",
///                                    helseID: helseID, logger: logger)
/// let export = try await ar.export()
/// ```
package struct AddressRegisterHTTPClient: AddressRegisterClient {
    package let url: String
    private let client: HTTPClient
    private let helseID: HelseIDClient?
    private let timeout: Duration
    private let logger: Logger

    /// The most of an answer read: the export lists every HER-id in Norway (some 10 bytes each),
    /// a batch is 100 parties.
    private static let answerLimit = 64 * 1024 * 1024

    /// - Parameters:
    ///   - baseURL: AR's base URL; the API's paths (`/api/v1/...`) are added to it.
    ///   - helseID: where tokens come from; nil: no `Authorization` header.
    ///   - timeout: how long one request may take, from connecting to reading the answer.
    package init(client: HTTPClient, baseURL: String, helseID: HelseIDClient?, timeout: Duration = .seconds(60), logger: Logger) {
        url = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.helseID = helseID
        self.timeout = timeout
        self.logger = logger
    }

    package func export() async throws(AddressRegisterError) -> AddressRegisterExport {
        let path = "/api/v1/communicationparty/export"
        let answer = try decode(ExportAnswer.self, try await call("GET", path), path: path)
        return AddressRegisterExport(
            herIds: answer.communicationParties ?? [],
            lastSequenceNumber: try Self.position(answer.lastSequenceNumber ?? 0, in: "GET \(path)"))
    }

    package func parties(_ herIds: [Int]) async throws(AddressRegisterError) -> [RegistryEntry] {
        let path = "/api/v1/communicationparty"
        let body: Data
        do {
            body = try JSONEncoder().encode(["herIds": herIds])
        } catch {
            throw AddressRegisterError("POST \(path): cannot encode the HER-ids: \(error)")
        }
        let answer = try await call("POST", path, body: body)
        do {
            return try RegistryFile.parse(answer, as: .communicationPartyV1)
        } catch {
            throw AddressRegisterError("POST \(path): AR's answer is not a list of communication parties hubd can read: \(error)")
        }
    }

    package func events(from sequence: Int64, limit: Int) async throws(AddressRegisterError) -> [AddressRegisterEvent] {
        let path = "/api/v1/event"
        let answer = try decode(
            EventsAnswer.self, try await call("GET", "\(path)?fromSequenceNumber=\(sequence)&maxEvents=\(limit)"), path: path)
        return try (answer.results ?? []).map { (event) throws(AddressRegisterError) in
            AddressRegisterEvent(
                sequenceNumber: try Self.position(event.sequenceNumber, in: "GET \(path)"), herId: event.herId, eventType: event.eventType)
        }
    }

    /// A sequence number AR gave, as a position hubd can store and go on from: the next poll asks
    /// for the one after it, which past `Int64.max` would overflow and stop hubd at every start.
    private static func position(_ number: Int64, in call: String) throws(AddressRegisterError) -> Int64 {
        guard number >= 0, number < Int64.max else {
            throw AddressRegisterError("\(call): AR answered the sequence number \(number), outside 0 to \(Int64.max - 1)")
        }
        return number
    }

    // MARK: HTTP

    /// The body of AR's 2xx answer to `method path`.
    private func call(_ method: String, _ path: String, body: Data? = nil) async throws(AddressRegisterError) -> Data {
        let target = url + path
        let name = "\(method) \(path.prefix { $0 != "?" })"
        var request = HTTPClientRequest(url: target)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "hubd")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let helseID {
            do {
                try await helseID.credentials(method: method, url: target).apply(to: &request)
            } catch {
                throw AddressRegisterError("\(name): no HelseID token: \(error)")
            }
        }
        let fetched: HTTPAnswer
        do {
            fetched = try await HTTPAnswer.fetch(request, with: client, timeout: timeout, limit: Self.answerLimit)
        } catch {
            logger.debug("Address Register request failed", metadata: ["request": "\(name)", "error": "\(error)"])
            throw AddressRegisterError("\(name): " + HTTPFailureReason.describe(error, timeout: timeout, host: "the Address Register at \(url)"))
        }
        let (status, answer) = (fetched.status, fetched.body)
        switch status {
        case 200..<300:
            return Data(buffer: answer)
        case 401, 403:
            helseID?.discardToken()
            throw AddressRegisterError(
                "\(name): AR refused hubd's credentials (HTTP \(status)); check the HelseID client and its scope for AR")
        default:
            throw AddressRegisterError("\(name): AR answered HTTP \(status)")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, path: String) throws(AddressRegisterError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw AddressRegisterError("GET \(path): AR's answer is not the JSON hubd expects: \(error)")
        }
    }
}

/// `CommunicationPartyExport`; `count` is not read.
private struct ExportAnswer: Decodable {
    var lastSequenceNumber: Int64?
    var communicationParties: [Int]?
}

/// `EventsResponse`; `count` is not read, nor each event's `eventTimestamp`.
private struct EventsAnswer: Decodable {
    struct Event: Decodable {
        var sequenceNumber: Int64
        var herId: Int
        var eventType: String
    }

    var results: [Event]?
}
