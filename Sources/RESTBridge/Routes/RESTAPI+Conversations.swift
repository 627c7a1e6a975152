import Hub
import Hummingbird

extension RESTAPI {
    func addConversationRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.get, "/conversations")
        router.get("/conversations") { request, context in
            let query = QueryParameters(request.uri.query)
            let herIds = try query.herIds("HerIds")
            let state = try query.value("state").map { text throws(Problem) -> ConversationState in
                guard let state = ConversationState(rawValue: text) else {
                    throw Problem.badRequest(
                        "state must be one of \(ConversationState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            }
            try caller(context).require(herIds)
            let conversations = try await store.conversations(involving: herIds, state: state)
            return try json(ConversationsResponse(conversations: conversations.map(ConversationBody.init)))
        }
    }
}

/// `GET /conversations`.
struct ConversationsResponse: Encodable, Sendable {
    var conversations: [ConversationBody]
}
