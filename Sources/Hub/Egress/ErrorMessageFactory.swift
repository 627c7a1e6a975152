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

    /// The original message as far as it could be read. Every value is well-formed or absent:
    /// a malformed one is never copied into an error message.
    package struct Original: Sendable {
        package var messageId: String?
        /// The sender: the `fromHerId` header as sent, and its HER-id.
        package var fromHerIdText: String
        package var fromHerId: Int
        /// The original `toHerId` header as sent, when it is a HER-id.
        package var toHerIdText: String?
        package var messageFunction: String?

        package init(messageId: String?, fromHerIdText: String, fromHerId: Int, toHerIdText: String?, messageFunction: String?) {
            self.messageId = messageId
            self.fromHerIdText = fromHerIdText
            self.fromHerId = fromHerId
            self.toHerIdText = toHerIdText
            self.messageFunction = messageFunction
        }

        /// A stored message's original, from the values it was accepted with.
        package init(messageId: String, fromHerId: Int, toHerId: Int?, messageFunction: String?) {
            self.init(
                messageId: messageId, fromHerIdText: String(fromHerId), fromHerId: fromHerId,
                toHerIdText: toHerId.map(String.init), messageFunction: messageFunction)
        }

        init(_ fields: SubmissionFields) {
            // Only called once `fields.from` is known good (see `IngressValidator`).
            let from = fields.from ?? ("0", 0)
            self.init(
                messageId: fields.messageId, fromHerIdText: from.text, fromHerId: from.herId,
                toHerIdText: fields.to?.text, messageFunction: fields.function)
        }
    }

    /// An error message for `original`'s sender. Description and data are masked, since a
    /// national identity number can hide in a schema error or a header value.
    package func notice(for original: Original, rejection: Rejection, now: Date) -> NewMessage {
        let stamp = Timestamp.format(now)
        let messageId = RandomID.make()
        var headers: MessageHeaders = [
            // Sent "from" the original receiver when it was named, else from the hub itself.
            HeaderName.fromHerId: original.toHerIdText ?? String(hubHerId),
            HeaderName.toHerId: original.fromHerIdText,
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
