import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// AR's CommunicationParty API v1 on loopback, as far as hubd uses it: the export, the batched
/// lookup (refusing more than 100 HER-ids, as AR does) and the event feed, in AR's shapes. It
/// serves the parties of `deploy/examples/registry-v1.json` with the test's queue prefix, plus
/// `fillers` more, so that a full sync takes more than one batch. It counts every call, records
/// each call's `Authorization`, and can be taken down (every call answered 503).
final class AddressRegisterDouble: Sendable {
    private struct State {
        /// Each party's v1 JSON object, by HER-id.
        var parties: [Int: Data] = [:]
        var events: [(sequence: Int64, herId: Int, type: String)] = []
        var exportSequence: Int64 = 100
        var exportCalls = 0
        var batchCalls = 0
        var largestBatch = 0
        /// `fromSequenceNumber` of each event poll, in order.
        var eventPolls: [Int64] = []
        /// Calls answered 503 while down.
        var refused = 0
        var authorizations: [String?] = []
        var down = false
    }

    static let firstFiller = 20_000_001

    private let state = Mutex(State())
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    /// AR's base URL (`HUBD_AR_URL`).
    let url: String

    private init(port: Int) {
        url = "http://127.0.0.1:\(port)"
    }

    static func start(prefix: String, fillers: Int = 150) async throws -> AddressRegisterDouble {
        let port = try RESTHubd.freePort()
        let double = AddressRegisterDouble(port: port)
        let example = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("deploy/examples/registry-v1.json"), encoding: .utf8)
            .replacingOccurrences(of: "HubTest/", with: "HubTest/\(prefix)_")
        guard let parties = try JSONSerialization.jsonObject(with: Data(example.utf8)) as? [[String: Any]] else {
            throw TestFailure("registry-v1.json is not an array of objects")
        }
        var documents: [Int: Data] = [:]
        for party in parties {
            guard let herId = party["herId"] as? Int else { throw TestFailure("a party without herId") }
            documents[herId] = try JSONSerialization.data(withJSONObject: party)
        }
        for herId in firstFiller..<(firstFiller + fillers) {
            documents[herId] = try JSONSerialization.data(withJSONObject: [
                "herId": herId, "name": "Fyllpart \(herId)", "type": "Service", "amqpTransportStatus": "Enabled",
                "amqpAddress": ["amqpAsyncQueue": "\(prefix)_\(herId)_async", "amqpErrorQueue": "\(prefix)_\(herId)_error"],
            ])
        }
        double.state.withLock { $0.parties = documents }
        let router = Router()
        router.get("/api/v1/communicationparty/export") { request, _ -> Response in
            try double.answer(request) { state in
                state.exportCalls += 1
                let herIds = state.parties.keys.sorted()
                return ["lastSequenceNumber": state.exportSequence, "count": herIds.count, "communicationParties": herIds]
            }
        }
        router.post("/api/v1/communicationparty") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let herIds = ((try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any])?["herIds"] as? [Int] ?? []
            guard herIds.count <= 100 else { return Response(status: .badRequest) }
            return try double.answer(request) { state in
                state.batchCalls += 1
                state.largestBatch = max(state.largestBatch, herIds.count)
                return herIds.compactMap { state.parties[$0].flatMap { try? JSONSerialization.jsonObject(with: $0) } }
            }
        }
        router.get("/api/v1/event") { request, _ -> Response in
            let from = request.uri.queryParameters.get("fromSequenceNumber").flatMap { Int64($0) } ?? 1
            let limit = request.uri.queryParameters.get("maxEvents").flatMap { Int($0) } ?? 1000
            return try double.answer(request) { state in
                state.eventPolls.append(from)
                let results: [[String: Any]] = state.events.filter { $0.sequence >= from }.prefix(limit).map {
                    ["sequenceNumber": $0.sequence, "herId": $0.herId, "eventType": $0.type, "eventTimestamp": "2026-12-03T10:00:00Z"]
                }
                return ["results": results, "count": results.count]
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        double.task.withLock { $0 = Task { try await app.run() } }
        _ = await eventually {
            (try? await HTTPClient.shared.execute(HTTPClientRequest(url: "\(double.url)/ready"), timeout: .seconds(1))) != nil
        }
        return double
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }

    // MARK: Script

    /// AR down: every call is answered 503 until `down = false`.
    var down: Bool {
        get { state.withLock { $0.down } }
        set { state.withLock { $0.down = newValue } }
    }

    /// The `lastSequenceNumber` of the export.
    var exportSequence: Int64 {
        get { state.withLock { $0.exportSequence } }
        set { state.withLock { $0.exportSequence = newValue } }
    }

    /// Gives the party a new async queue and records the `CommunicationPartyUpdated` event;
    /// returns its sequence number.
    @discardableResult
    func moveAsyncQueue(of herId: Int, to queue: String) throws -> Int64 {
        try state.withLock { state in
            guard let document = state.parties[herId],
                  var party = try JSONSerialization.jsonObject(with: document) as? [String: Any] else {
                throw TestFailure("AR has no party \(herId)")
            }
            var address = party["amqpAddress"] as? [String: Any] ?? [:]
            address["amqpAsyncQueue"] = queue
            party["amqpAddress"] = address
            state.parties[herId] = try JSONSerialization.data(withJSONObject: party)
            let sequence = max(state.exportSequence, state.events.last?.sequence ?? 0) + 1
            state.events.append((sequence, herId, "CommunicationPartyUpdated"))
            return sequence
        }
    }

    var partyCount: Int { state.withLock { $0.parties.count } }
    var exportCalls: Int { state.withLock { $0.exportCalls } }
    var batchCalls: Int { state.withLock { $0.batchCalls } }
    var largestBatch: Int { state.withLock { $0.largestBatch } }
    var eventPolls: [Int64] { state.withLock { $0.eventPolls } }
    var refused: Int { state.withLock { $0.refused } }
    var authorizations: [String?] { state.withLock { $0.authorizations } }

    // MARK: AR's side

    /// 503 while down; else the JSON `body` makes of the state.
    private func answer(_ request: Request, _ body: (inout State) -> Any) throws -> Response {
        let json = state.withLock { state -> Any? in
            state.authorizations.append(request.headers[.authorization])
            guard !state.down else {
                state.refused += 1
                return nil
            }
            return body(&state)
        }
        guard let json else { return Response(status: .serviceUnavailable) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))))
    }
}
