import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The national PROMs service on loopback, as far as hubd uses it (proms.md §2–3): takes
/// `POST /api/v2/formorder`, honours `Idempotency-Key` (the same key answers with the order it
/// made, and makes no other), records every request, and answers from a script. It also
/// calls hubd back, as the service does, on `PUT /api/PromsFormOrder`.
final class PromsServiceDouble: Sendable {
    struct Call: Sendable {
        var authorization: String?
        var idempotencyKey: String?
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    private struct State {
        var requests: [Call] = []
        /// Statuses to answer before taking orders again.
        var failures: [Int] = []
        var unknownPatients: Set<String> = []
        /// The order made for each idempotency key.
        var orders: [String: String] = [:]
        /// The next request makes its order, then gets no answer until `release()`.
        var stallNext = false
        var stalled = false
    }

    static let zeroId = "00000000-0000-0000-0000-000000000000"

    private let state = Mutex(State())
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    /// The base URL hubd is given (`HUBD_PROMS_URL`).
    let url: String

    private init(port: Int) {
        url = "http://127.0.0.1:\(port)/promswebapi"
    }

    static func start() async throws -> PromsServiceDouble {
        let port = try RESTHubd.freePort()
        let service = PromsServiceDouble(port: port)
        let router = Router()
        router.post("/promswebapi/api/v2/formorder") { request, _ -> Response in
            try await service.formOrder(request)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        service.task.withLock { $0 = Task { try await app.run() } }
        _ = await eventually {
            (try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/ready"), timeout: .seconds(1))) != nil
        }
        return service
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }

    // MARK: Script

    /// The next `count` requests are answered with `status` and make no order.
    func failNext(_ count: Int, status: Int = 503) {
        state.withLock { $0.failures += Array(repeating: status, count: count) }
    }

    /// Orders for this patient get the all-zero id: the service does not know them.
    func unknownPatient(_ nationalId: String) {
        state.withLock { _ = $0.unknownPatients.insert(nationalId) }
    }

    /// The next request makes its order and then hangs until `release()`: a crash of hubd
    /// between sending and recording.
    func stallNext() {
        state.withLock { $0.stallNext = true }
    }

    func release() {
        state.withLock { $0.stalled = false }
    }

    var requests: [Call] { state.withLock { $0.requests } }

    /// How many orders the service made (all-zero answers make none).
    var ordersMade: Int { state.withLock { $0.orders.values.filter { $0 != Self.zeroId }.count } }

    func formOrderId(forKey key: String) -> String? { state.withLock { $0.orders[key] } }

    // MARK: The service's side

    private func take(_ request: Call) async throws -> Response {
        let status = state.withLock { state -> Int? in
            state.requests.append(request)
            return state.failures.isEmpty ? nil : state.failures.removeFirst()
        }
        if let status { return Response(status: .init(code: status)) }
        let nationalId = request.json["nationalId"] as? String ?? ""
        let key = request.idempotencyKey ?? UUID().uuidString
        let (id, stall) = state.withLock { state -> (String, Bool) in
            let id = state.orders[key] ?? (state.unknownPatients.contains(nationalId) ? Self.zeroId : UUID().uuidString.lowercased())
            state.orders[key] = id
            let stall = state.stallNext
            state.stallNext = false
            state.stalled = stall
            return (id, stall)
        }
        if stall {
            let deadline = ContinuousClock.now + .seconds(60)
            while state.withLock({ $0.stalled }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let answer: [String: Any] = [
            "id": id, "singleUseCode": "AB12CD", "loginUrl": "https://proms.example/login", "notificationChannel": "Helsenorge",
        ]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answer))))
    }

    private func formOrder(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        return try await take(Call(
            authorization: request.headers[.authorization], idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
            body: Data(buffer: body)))
    }

    /// `PUT {hubd}/api/PromsFormOrder` with `fields` (and `apiKey` unless `fields` has one):
    /// the status and the `{success}` answer.
    func callback(_ hubd: RESTHubd, apiKey: String? = RESTHubd.promsCallbackKey, _ fields: [String: Any]) async throws
        -> (status: Int, success: Bool?) {
        var body = fields
        if let apiKey, body["apiKey"] == nil { body["apiKey"] = apiKey }
        let answer = try await hubd.request("PUT", "/api/PromsFormOrder", json: body, token: nil)
        return (answer.status, answer.json["success"] as? Bool)
    }
}

extension RESTHubd {
    static let promsAPIKey = "test-proms-api-key"
    static let promsCallbackKey = "test-proms-callback-key"

    /// The settings that point a hubd at `service`.
    static func promsSettings(_ service: PromsServiceDouble) -> [String: String] {
        ["HUBD_PROMS_URL": service.url, "HUBD_PROMS_API_KEY": promsAPIKey, "HUBD_PROMS_CALLBACK_KEY": promsCallbackKey]
    }
}
