import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird

extension RESTAPI {
    func addEventRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.post, "/access-restrictions")
        router.post("/access-restrictions") { request, context in
            let caller = try caller(context)
            let sequence = try await publish(try await bodies.json(request), caller: caller)
            return try json(SequenceResponse(sequence: sequence), status: .accepted)
        }
        table.add(.get, "/access-restrictions")
        router.get("/access-restrictions") { request, context in try await replay(request, context) }
        table.add(.post, "/pvk/LagreInnbyggersPersonvernInnstilling")
        router.post("/pvk/LagreInnbyggersPersonvernInnstilling") { request, context in
            let caller = try caller(context)
            let sequence = try await replicate(try await bodies.json(request), caller: caller)
            return try json(SequenceResponse(sequence: sequence))
        }
        table.add(.get, "/schemas/access-restriction-event.json")
        router.get("/schemas/access-restriction-event.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/schema+json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try AccessRestrictionSchema.bundled().document)))
        }
    }

    /// Publishes an event through the hub's ingress pipeline, as the caller's publisher party
    /// (the pipeline refuses a caller that has none), and returns its sequence in the log.
    private func publish(_ event: [UInt8], caller: Caller) async throws -> Int64 {
        let parties = caller.herIds.sorted()
        guard let sender = parties.first(where: hub.settings.eventPublishers.contains) ?? parties.first else {
            throw Problem.forbidden(herIds: [])
        }
        let properties = MessageProperties(
            messageId: RandomID.make(), contentType: "application/json", type: EventRouting.messageFunction,
            headers: [
                HeaderName.fromHerId: String(sender), HeaderName.toHerId: String(hub.settings.herId),
                HeaderName.applicationTimeStamp: Timestamp.format(Date()), HeaderName.messageType: EventRouting.messageFunction,
            ])
        guard let outcome = await submissions.submit(properties: properties, body: event, timeout: settings.requestTimeout) else {
            throw Problem.notStoredNow("the event")
        }
        switch outcome {
        case .recorded(let sequence):
            return sequence
        case .refused(let rejection):
            var problem = Problem(refusal: rejection)
            problem.title = "The event was refused"
            if rejection.condition == .unsupportedMessage { problem.status = .forbidden }
            if rejection.isConflict { problem.status = .conflict }
            throw problem
        case .accepted, .duplicate, .deadLettered:
            throw Problem(.internalServerError, type: "urn:hubd:not-stored", detail: "The event could not be stored")
        }
    }

    /// PVK's replication call (events.md §2) as an event: the next sequence for the citizen,
    /// and the event id PVK's fields determine, so that PVK calling again changes nothing.
    private func replicate(_ body: [UInt8], caller: Caller) async throws -> Int64 {
        let replication: PVKReplication
        do {
            replication = try PVKReplication.read(body)
        } catch {
            throw Problem.badRequest(error.description)
        }
        guard !settings.pvkCovers.isEmpty else {
            throw Problem(.serviceUnavailable, type: "urn:hubd:not-configured",
                          detail: "PVK replication needs pvk_covers (HUBD_PVK_COVERS): the HER-ids its events cover")
        }
        let probe = replication.event(citizenSequence: 1, covers: settings.pvkCovers)
        // Another call for the same citizen may take the next sequence first: then try again.
        for _ in 0..<5 {
            // Made before: the stored event goes through the checks again (the publisher's
            // among them), and comes back with its sequence.
            if let stored = try await store.event(eventId: probe.eventId) { return try await publish(stored.body, caller: caller) }
            let next = try await store.lastCitizenSequence(nationalId: probe.nationalId) + 1
            let event = replication.event(citizenSequence: next, covers: settings.pvkCovers)
            do {
                return try await publish(event.canonicalJSON, caller: caller)
            } catch let problem as Problem where problem.status == .conflict {
                continue
            }
        }
        throw Problem(.conflict, type: "urn:hubd:conflict", detail: "Other events for this citizen kept arriving; try again")
    }

    /// `GET /access-restrictions`: the log after `after`, through the caller's subscriptions.
    private func replay(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let caller = try caller(context)
        let query = QueryParameters(request.uri.query)
        let after = try query.integer("after", in: 0...Int64.max, fallback: 0)
        let limit = Int(try query.integer("limit", in: 1...1000, fallback: 100))
        var parties = try query.herIds("herId", required: false)
        if parties.isEmpty { parties = caller.herIds.sorted() } else { try caller.require(parties) }
        var subscriptions: [EventSubscription] = []
        for herId in parties {
            if let subscription = try await store.subscription(herId: herId) { subscriptions.append(subscription) }
        }
        guard !subscriptions.isEmpty else {
            throw Problem(.forbidden, type: "urn:hubd:forbidden", detail: "No event subscription for the token's parties")
        }
        var events: [Int64: LoggedEvent] = [:]
        for subscription in subscriptions {
            for event in try await store.events(after: after, matching: subscription, limit: limit) { events[event.sequence] = event }
        }
        // The body is written by hand: each event is its stored JSON, byte for byte.
        var body = Array(#"{"events":["#.utf8)
        for (index, event) in events.values.sorted(by: { $0.sequence < $1.sequence }).prefix(limit).enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += Array(#"{"event":"#.utf8) + event.body + Array(#","sequence":\#(event.sequence)}"#.utf8)
        }
        body += Array("]}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The answer to a published event: its place in the log.
struct SequenceResponse: Encodable, Sendable {
    var sequence: Int64
}
