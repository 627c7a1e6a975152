/// Header names of the wire contract, spelled once.
package enum HeaderName {
    package static let fromHerId = "fromHerId"
    package static let toHerId = "toHerId"
    package static let applicationTimeStamp = "applicationTimeStamp"
    package static let cpaId = "cpaId"
    package static let messageType = "X-MessageInfo-Type"
    package static let msgId = "X-MessageInfo-MsgId"
    package static let refToParent = "X-MessageInfo-RefToParent"
    package static let refToConversation = "X-MessageInfo-RefToConversation"
    package static let schemaNamespace = "X-MessageInfo-SchemaNamespace"
    package static let originalMsgId = "X-MessageInfo-OriginalMsgId"
    package static let originalMsgType = "X-MessageInfo-OriginalMsgType"
    package static let senderLevel1 = "X-Sender-Lvl1Id"
    package static let senderLevel2 = "X-Sender-Lvl2Id"
    package static let receiverLevel1 = "X-Receiver-Lvl1Id"
    package static let receiverLevel2 = "X-Receiver-Lvl2Id"
    package static let originalMessageId = "originalMessageId"
    package static let receiverTimeStamp = "receiverTimeStamp"
    package static let errorCondition = "errorCondition"
    package static let errorDescription = "errorDescription"
    package static let errorConditionData = "errorConditionData"
    /// hubd's own: why a copy landed on the dead-letter queue.
    package static let deadLetterReason = "x-hubd-dead-letter-reason"
    /// hubd's own: how many of the original's headers a dead-letter copy left out for size.
    package static let deadLetterHeadersLeftOut = "x-hubd-headers-left-out"
    /// On a pushed PROMs order update: hubd's id of the order (proms.md §1).
    package static let promsOrderId = "promsOrderId"
}
