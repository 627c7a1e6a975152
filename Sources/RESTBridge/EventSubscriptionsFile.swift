import Foundation
import Dialogs
import Hub

/// The `event_subscriptions` file: subscriptions in the shape of `PUT /subscriptions/{herId}`,
/// each with its `herId`, under `subscriptions`; applied at start (created or replaced; a
/// subscription the file does not name is left as it is).
package enum EventSubscriptionsFile {
    private struct Body: Decodable {
        var subscriptions: [SubscriptionBody]
    }

    /// The subscriptions the file holds; an error names the file and what is wrong.
    package static func load(_ path: String) throws -> [EventSubscription] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DeliveryChannelsFileError("cannot read \(path): \((error as NSError).localizedDescription)")
        }
        return try parse(data, origin: path)
    }

    /// Subscriptions from JSON: the file's shape, or (for `hubd subscriptions set`) one body.
    package static func parse(_ data: Data, origin: String) throws -> [EventSubscription] {
        let bodies: [SubscriptionBody]
        do {
            if let file = try? JSONDecoder().decode(Body.self, from: data) {
                bodies = file.subscriptions
            } else {
                bodies = [try JSONDecoder().decode(SubscriptionBody.self, from: data)]
            }
        } catch let error as DecodingError {
            throw DeliveryChannelsFileError("\(origin): \(BodyReader.describe(error))")
        }
        var seen = Set<Int>()
        return try bodies.map { body in
            guard let herId = body.herId, HerId.isValid(herId) else {
                throw DeliveryChannelsFileError("\(origin): every subscription needs its herId")
            }
            guard seen.insert(herId).inserted else { throw DeliveryChannelsFileError("\(origin): herId \(herId) is subscribed twice") }
            do {
                return try body.subscription(herId: herId)
            } catch let problem as Problem {
                throw DeliveryChannelsFileError("\(origin): herId \(herId): \(problem.detail ?? problem.title)")
            }
        }
    }
}
