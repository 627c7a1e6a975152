/// How a receipt passing through the hub moves its original's status (wire contract §5).
package enum ReceiptCorrelation: Sendable, Equatable {
    /// An AppRec: the original has this `MsgId`, was sent by `originalSender` to `originalReceiver`.
    case appRec(originalMsgId: String, originalSender: Int, originalReceiver: Int, status: MessageStatus)
    /// A receiver's error message about the message with this `message_id`, which went from
    /// `errorReceiver` to `errorSender`.
    case errorMessage(originalMessageId: String, errorSender: Int, errorReceiver: Int)
}
