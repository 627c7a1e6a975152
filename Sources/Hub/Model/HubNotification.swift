import Foundation

/// One entry of the notification log: an event that concerns a party, at a global position
/// (`offset`) that only grows.
package struct HubNotification: Sendable, Equatable {
    package var offset: Int64
    package var type: NotificationType
    /// The `message_id` of the message it is about.
    package var relatedMessageId: String
    package var receiverHerId: Int
    package var triggeredByHerId: Int?
    package var description: String
    package var createdAt: Date

    package init(
        offset: Int64, type: NotificationType, relatedMessageId: String, receiverHerId: Int,
        triggeredByHerId: Int?, description: String, createdAt: Date
    ) {
        self.offset = offset
        self.type = type
        self.relatedMessageId = relatedMessageId
        self.receiverHerId = receiverHerId
        self.triggeredByHerId = triggeredByHerId
        self.description = description
        self.createdAt = createdAt
    }
}
