import Foundation

/// A dead letter as `hubd dead list` shows it.
package struct DeadLetterRecord: Sendable {
    package var id: Int64
    package var messageId: String?
    package var fromHerId: String?
    package var toHerId: String?
    package var messageFunction: String?
    package var reason: String
    package var at: Date

    package init(
        id: Int64, messageId: String?, fromHerId: String?, toHerId: String?, messageFunction: String?,
        reason: String, at: Date
    ) {
        self.id = id
        self.messageId = messageId
        self.fromHerId = fromHerId
        self.toHerId = toHerId
        self.messageFunction = messageFunction
        self.reason = reason
        self.at = at
    }
}
