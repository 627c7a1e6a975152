import Dialogs
import Foundation

/// Builds error messages (§4) in the form Helsenorge.Messaging reads: empty body, the
/// condition in headers, addressed back to the original sender's error queue.
package struct ErrorMessageFactory: Sendable {
    package var hubHerId: Int
    package var expiry: TimeInterval

    package init(hubHerId: Int, expiry: TimeInterval) {
        self.hubHerId = hubHerId
        self.expiry = expiry
    }

    /// The original message as far as it could be read.
    package struct Original: Sendable {
        package var messageId: String?
        package var fromHerId: Int
        /// The original `toHerId` header as given, even when malformed.
        package var toHerId: String?
        package var messageFunction: String?

        package init(messageId: String?, fromHerId: Int, toHerId: String?, messageFunction: String?) {
            self.messageId = messageId
            self.fromHerId = fromHerId
            self.toHerId = toHerId
            self.messageFunction = messageFunction
        }
    }

    /// An error message for `original`'s sender. Description and data are masked, since a
    /// national identity number can hide in a schema error or a header value.
    package func notice(for original: Original, rejection: Rejection, now: Date) -> NewMessage {
        let stamp = Timestamp.format(now)
        let messageId = UUID().uuidString.lowercased()
        var headers = [
            HeaderName.fromHerId: original.toHerId.flatMap { $0.isEmpty ? nil : $0 } ?? String(hubHerId),
            HeaderName.toHerId: String(original.fromHerId),
            HeaderName.applicationTimeStamp: stamp,
            HeaderName.originalMessageId: original.messageId ?? "",
            HeaderName.receiverTimeStamp: stamp,
            HeaderName.errorCondition: rejection.condition.rawValue,
            HeaderName.errorDescription: NationalIdMask.mask(rejection.description),
            HeaderName.errorConditionData: NationalIdMask.mask(rejection.data),
        ]
        if let function = original.messageFunction {
            headers[HeaderName.messageType] = function
        }
        let properties = MessageProperties(
            messageId: messageId, contentType: "text/plain", type: original.messageFunction, headers: headers)
        return NewMessage(
            messageId: messageId, kind: .errorNotice, fromHerId: nil, toHerId: original.fromHerId,
            messageFunction: original.messageFunction, msgId: nil,
            target: .partyError(herId: original.fromHerId), properties: properties, body: [],
            expiresAt: now.addingTimeInterval(expiry))
    }
}
