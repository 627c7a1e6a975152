import Foundation

/// The push both stores write to the outbox when a PROMs order changes.
extension NewMessage {
    /// The message type of a pushed order update (proms.md §1).
    static let promsUpdateType = "PROMS_ORDER_UPDATE"

    /// The order's JSON for its register, dispatched like any message by the register's
    /// channel (a signed POST to a webhook, a message on its async queue) until `pushExpiry`
    /// after `now`.
    package init(promsUpdate order: PromsOrder, now: Date, pushExpiry: TimeInterval) throws {
        let messageId = RandomID.make()
        self.init(
            messageId: messageId, kind: .promsUpdate, fromHerId: nil, toHerId: order.registerHerId,
            messageFunction: Self.promsUpdateType, msgId: nil, target: .partyAsync(herId: order.registerHerId),
            properties: MessageProperties(
                messageId: messageId, contentType: "application/json", type: Self.promsUpdateType,
                headers: [HeaderName.promsOrderId: order.id]),
            body: try order.json(), expiresAt: now.addingTimeInterval(pushExpiry))
    }
}
