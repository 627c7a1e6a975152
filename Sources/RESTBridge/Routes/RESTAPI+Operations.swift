import Foundation
import Hub
import HTTPTypes
import Hummingbird

extension RESTAPI {
    func addOperationsRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.get, "/healthz")
        router.get("/healthz") { _, _ in try json(["status": "ok"]) }
        table.add(.get, "/ping")
        router.get("/ping") { _, _ in try json(["response": "Pong", "timestampUtc": Timestamp.format(Date())]) }
        table.add(.get, "/readyz")
        router.get("/readyz") { _, _ in
            let checks = await readinessChecks()
            let ready = checks.values.allSatisfy { $0 == "ok" }
            return try json(ReadyResponse(ready: ready, checks: checks), status: ready ? .ok : .serviceUnavailable)
        }
        table.add(.get, "/metrics")
        router.get("/metrics") { _, _ in
            var text = prometheus?.emitToString() ?? ""
            text += await storeGauges()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        table.add(.get, "/openapi.json")
        router.get("/openapi.json") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
                  let data = try? Data(contentsOf: url) else {
                throw Problem(.internalServerError, detail: "The OpenAPI document is missing from this build")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    struct ReadyResponse: Encodable {
        var ready: Bool
        var checks: [String: String]
    }

    /// The broker link, a real store write, and a loaded registry: "ok" or what is wrong.
    private func readinessChecks() async -> [String: String] {
        var checks: [String: String] = [:]
        checks["broker"] = await readiness.broker() ?? "ok"
        do {
            try await store.probeWrite()
            checks["store"] = hub.isReady ? "ok" : "the store refused a write; submissions wait"
        } catch {
            checks["store"] = "the store cannot write: \(error.kind)"
        }
        checks["registry"] = hub.registry.current.count > 0 ? "ok" : "no registry is loaded"
        return checks
    }

    /// Gauges read from the store at each scrape: messages by state and the store's size.
    private func storeGauges() async -> String {
        var text = ""
        if let counts = try? await store.stateCounts() {
            text += "# TYPE hubd_messages_stored gauge\n"
            for (state, count) in counts.sorted(by: { $0.key < $1.key }) {
                text += "hubd_messages_stored{state=\"\(state)\"} \(count)\n"
            }
        }
        if let bytes = await store.storageBytes() {
            text += "# TYPE hubd_store_bytes gauge\nhubd_store_bytes \(bytes)\n"
        }
        return text
    }
}
