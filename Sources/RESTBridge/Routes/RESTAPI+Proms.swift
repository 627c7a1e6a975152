import Crypto
import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird

/// PROMs form orders (proms.md): registers order forms and read their orders; the PROMs
/// service reports on them. Without `proms_url` every PROMs endpoint answers 503.
extension RESTAPI {
    func addPromsRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.post, "/proms/orders")
        router.post("/proms/orders") { request, context in try await placePromsOrder(request, context) }
        table.add(.get, "/proms/orders/:id")
        router.get("/proms/orders/:id") { _, context in
            let caller = try caller(context)
            let proms = try promsEndpoints()
            let notFound = Problem.notFound("No PROMs order with this id for the token's parties")
            guard let id = context.parameters.get("id"), (1...255).contains(id.utf8.count) else { throw notFound }
            let order = try await stored { () async throws(StoreError) in try await proms.orders.order(id: id) }
            // Another party's order is not found either: its existence is not revealed.
            guard let order, caller.herIds.contains(order.registerHerId) else { throw notFound }
            return try json(order)
        }
        table.add(.put, "/api/PromsFormOrder")
        router.put("/api/PromsFormOrder") { request, context in try await promsCallback(request, context) }
    }

    /// `POST /proms/orders`: 202 with the order's id once stored (the same id again for the
    /// same order), 409 for a reference used before for another order, 400 for bad input.
    private func placePromsOrder(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let caller = try caller(context)
        let proms = try promsEndpoints()
        let body = try await bodies.decode(PromsOrderRequest.self, from: request)
        // Acting for another party is 403 whatever else is wrong with the order.
        if let herId = body.registerHerId, HerId.isValid(herId) { try caller.require([herId]) }
        let order: NewPromsOrder
        do {
            order = try body.validated(now: Date())
        } catch {
            throw Problem.badRequest(error.description)
        }
        let outcome = try await stored { () async throws(StoreError) in try await proms.orders.accept(order) }
        switch outcome {
        case .created(let id), .existing(let id):
            return accepted(id: id, location: "/proms/orders/\(id)")
        case .conflict:
            throw Problem(.conflict, type: "urn:hubd:conflict",
                          detail: "This registerReference was used before for a different order")
        }
    }

    /// `PUT /api/PromsFormOrder`: the service's report on one of its orders. Authenticated by
    /// its `apiKey`, not a token, and answered in the service's own shape, `{"success": ...}`:
    /// 200 once stored, 401 for a wrong key, 404 for an order hubd does not know, 400 for a
    /// body it cannot read, 503 when PROMs is not configured or the store cannot write.
    private func promsCallback(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        guard let proms else { return try success(false, status: .serviceUnavailable) }
        let body: PromsCallbackBody
        do {
            body = try await bodies.decode(PromsCallbackBody.self, from: request)
        } catch {
            return try success(false, status: error.status)
        }
        guard let key = body.apiKey, Self.sameKey(key, proms.callbackKey) else {
            context.logger.warning("PROMs callback with a wrong or missing apiKey")
            return try success(false, status: .unauthorized)
        }
        guard let callback = body.callback(receivedAt: Date()) else {
            context.logger.warning("PROMs callback without a formOrderId or with an unknown formOrderStatus")
            return try success(false, status: .badRequest)
        }
        do {
            return try await proms.orders.record(callback) ? success(true) : success(false, status: .notFound)
        } catch {
            context.logger.error("PROMs callback not stored", metadata: ["error": "\(error)"])
            return try success(false, status: .serviceUnavailable)
        }
    }

    /// The PROMs endpoints' collaborators; 503 when this hubd has no PROMs service configured.
    private func promsEndpoints() throws(Problem) -> PromsEndpoints {
        guard let proms else {
            throw Problem(.serviceUnavailable, type: "urn:hubd:proms-not-configured",
                          detail: "This hubd has no PROMs service configured (proms_url)")
        }
        return proms
    }

    /// Runs a store operation; a store that cannot write now is 503 (trying again later is safe).
    private func stored<T>(_ operation: () async throws(StoreError) -> T) async throws(Problem) -> T {
        do {
            return try await operation()
        } catch where error.isTransient {
            var problem = Problem(.serviceUnavailable, type: "urn:hubd:unavailable",
                                  detail: "hubd cannot use its store now; sending the same request again later is safe")
            problem.headers[.retryAfter] = "5"
            throw problem
        } catch {
            throw Problem(.internalServerError, detail: "The request could not be handled")
        }
    }

    private func success(_ success: Bool, status: HTTPResponse.Status = .ok) throws -> Response {
        try json(PromsCallbackAnswer(success: success), status: status)
    }

    /// Compares keys in time that does not depend on where they differ.
    private static func sameKey(_ given: String, _ expected: String) -> Bool {
        SHA256.hash(data: Array(given.utf8)) == SHA256.hash(data: Array(expected.utf8))
    }
}
