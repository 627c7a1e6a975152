import Foundation
import Hub
import HTTPTypes
import Hummingbird

extension RESTAPI {
    func addNotificationRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.get, "/notifications")
        router.get("/notifications") { request, context in
            let query = QueryParameters(request.uri.query)
            let herIds = try query.herIds("HerIds")
            let offset = try query.integer("Offset", in: 0...Int64.max, fallback: 0)
            let limit = try query.integer("NotificationsToFetch", in: 1...1000, fallback: 100)
            try caller(context).require(herIds)
            let notifications = try await store.notifications(for: herIds, after: offset, limit: Int(limit))
            return try json(NotificationsResponse(notifications: notifications.map(NotificationBody.init)))
        }
        table.add(.get, "/notifications/stream")
        router.get("/notifications/stream") { request, context in
            let query = QueryParameters(request.uri.query)
            let herIds = try query.herIds("HerIds")
            // As NHN's stream: without an offset (or Last-Event-ID) it starts at the current end.
            var offset = try query.integer("Offset", in: 0...Int64.max, fallback: -1)
            if let last = request.headers[.lastEventID].flatMap(Int64.init), last >= 0 { offset = last }
            try caller(context).require(herIds)
            if offset < 0 { offset = try await store.latestNotificationOffset() }
            let start = offset
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { [store] writer in
                    try await Self.stream(store: store, herIds: herIds, after: start, into: &writer)
                })
        }
    }

    /// Server-sent events: the backlog after `offset`, then each new notification as the store
    /// gets it, with a comment every 15 s so that proxies keep the connection. Ends when the
    /// client goes away (the write fails) or the server stops.
    static func stream(store: any HubStore, herIds: [Int], after offset: Int64, into writer: inout any ResponseBodyWriter) async throws {
        var offset = offset
        try await writer.write(ByteBuffer(string: "event: connected\ndata: \n\n"))
        var lastWrite = ContinuousClock.now
        while !Task.isCancelled {
            let seen = store.changes.version
            let batch = try await store.notifications(for: herIds, after: offset, limit: 500)
            if !batch.isEmpty {
                var text = ""
                for notification in batch {
                    let data = try JSONEncoder.sorted.encode(NotificationBody(notification))
                    text += "event: notification\nid: \(notification.offset)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
                    offset = notification.offset
                }
                try await writer.write(ByteBuffer(string: text))
                lastWrite = ContinuousClock.now
                continue
            }
            // Writes elsewhere in the store wake the stream without giving it anything to send:
            // the keep-alive is timed from the last write to this client.
            let quiet = ContinuousClock.now - lastWrite
            if quiet >= .seconds(15) {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastWrite = ContinuousClock.now
                continue
            }
            await store.changes.wait(after: seen, timeout: .seconds(15) - quiet)
        }
        try await writer.finish(nil)
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
}
