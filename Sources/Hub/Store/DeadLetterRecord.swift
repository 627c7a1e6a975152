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
}
