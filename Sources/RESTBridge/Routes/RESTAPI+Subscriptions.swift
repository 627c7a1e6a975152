import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird

extension RESTAPI {
    func addSubscriptionRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.put, "/subscriptions/:herId")
        router.put("/subscriptions/:herId") { request, context in
            let herId = try subscriber(context)
            let subscription = try await bodies.decode(SubscriptionBody.self, from: request).subscription(herId: herId)
            try await store.putSubscription(subscription, now: Date())
            hub.nudge()
            return Response(status: .noContent)
        }
        table.add(.get, "/subscriptions/:herId")
        router.get("/subscriptions/:herId") { _, context in
            guard let subscription = try await store.subscription(herId: try subscriber(context)) else {
                throw Problem.notFound("No subscription for this HER-id")
            }
            return try json(SubscriptionBody(subscription))
        }
        table.add(.delete, "/subscriptions/:herId")
        router.delete("/subscriptions/:herId") { _, context in
            guard try await store.deleteSubscription(herId: try subscriber(context)) else {
                throw Problem.notFound("No subscription for this HER-id")
            }
            hub.nudge()
            return Response(status: .noContent)
        }
    }

    /// The HER-id in the path, which the token must act for.
    private func subscriber(_ context: HubRequestContext) throws(Problem) -> Int {
        guard let text = context.parameters.get("herId"), let herId = HerId.parse(text) else {
            throw Problem.badRequest("herId in the path is not a HER-id")
        }
        try caller(context).require([herId])
        return herId
    }
}
