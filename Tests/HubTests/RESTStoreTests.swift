import Foundation
@testable import Hub
import Testing

/// What the store keeps for the REST side: notifications, the inbox, channels, and the
/// transport state it derives from a history.
@Suite(.timeLimit(.minutes(1))) struct RESTStoreTests {
    let store: any HubStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ backend: StoreBackend) async throws {
        store = try await backend.makeStore()
    }

    func message(_ messageId: String, origin: SubmissionOrigin, from: Int = 1, to: Int = 2) -> NewMessage {
        NewMessage(
            messageId: messageId, kind: .dialog, fromHerId: from, toHerId: to, messageFunction: "F", msgId: "msg-\(messageId)",
            target: .partyAsync(herId: to), properties: MessageProperties(messageId: messageId), body: Array("<x/>".utf8),
            expiresAt: now.addingTimeInterval(60), origin: origin)
    }

    func id(of messageId: String) async throws -> Int64 {
        try #require(try await store.storedMessages(messageId: messageId).first?.id)
    }

    @Test(arguments: StoreBackend.allCases)
    static func restSendersHearOfEachTransportStateOnce(_ backend: StoreBackend) async throws { try await Self(backend).restSendersHearOfEachTransportStateOnce() }
    func restSendersHearOfEachTransportStateOnce() async throws {
        _ = try await store.commitIngress([
            .accept(message("rest", origin: .rest)), .accept(message("amqp", origin: .amqp)),
            .accept(message("rest-told", origin: .rest)), .accept(message("amqp-told", origin: .amqp)),
        ], now: now)
        // The store looks the origin up, or the dispatcher says it.
        try await store.recordDispatch([
            .sent(id: try await id(of: "rest")), .sent(id: try await id(of: "amqp")),
            .sent(id: try await id(of: "rest-told"), restSender: true), .sent(id: try await id(of: "amqp-told"), restSender: false),
        ], now: now)
        #expect(try await store.markDownloaded(messageId: "rest", receiverHerId: 2, now: now))
        let toSender = try await store.notifications(for: [1], after: 0, limit: 100)
        #expect(toSender.map(\.type) == [.messageDeliveryStateUpdated, .messageDeliveryStateUpdated])
        #expect(toSender.map(\.relatedMessageId) == ["rest", "rest-told"])
        #expect(toSender.first?.description == "Transport delivery state: Acknowledged")
        #expect(try await store.storedMessages(messageId: "rest").first?.history.map(\.status) == [.accepted, .sent, .delivered])
    }

    @Test(arguments: StoreBackend.allCases)
    static func inboxMessagesAreAnnouncedAndDownloaded(_ backend: StoreBackend) async throws { try await Self(backend).inboxMessagesAreAnnouncedAndDownloaded() }
    func inboxMessagesAreAnnouncedAndDownloaded() async throws {
        _ = try await store.commitIngress([.accept(message("inbox", origin: .amqp))], now: now)
        let id = try await id(of: "inbox")
        try await store.recordDispatch([.madeAvailable(id: id)], now: now)
        #expect(try await store.dueMessages(for: .partyAsync(herId: 2), now: now.addingTimeInterval(3600), limit: 10).isEmpty)
        let announced = try await store.notifications(for: [2], after: 0, limit: 10)
        #expect(announced.map(\.type) == [.newMessage])
        #expect(announced.first?.triggeredByHerId == 1)
        var stored = try #require(try await store.storedMessages(messageId: "inbox").first)
        #expect(stored.transportState == .unconfirmed)
        #expect(!(try await store.markDownloaded(messageId: "inbox", receiverHerId: 3, now: now)))
        #expect(try await store.markDownloaded(messageId: "inbox", receiverHerId: 2, now: now))
        stored = try #require(try await store.storedMessages(messageId: "inbox").first)
        #expect(stored.transportState == .acknowledged)
        #expect(stored.status == .delivered)
        #expect(try await store.notifications(for: [2], after: announced[0].offset, limit: 10).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    static func aRefusalByTheReceiverIsRejectedAndANegativeAppRecIsNot(_ backend: StoreBackend) async throws { try await Self(backend).aRefusalByTheReceiverIsRejectedAndANegativeAppRecIsNot() }
    func aRefusalByTheReceiverIsRejectedAndANegativeAppRecIsNot() async throws {
        _ = try await store.commitIngress([.accept(message("refused", origin: .rest))], now: now)
        try await store.recordDispatch([.givenUp(
            id: try await id(of: "refused"), status: .rejected, reason: "refused by the receiver's endpoint: HTTP 400",
            deadLetter: nil, notice: nil)], now: now)
        let refused = try #require(try await store.storedMessages(messageId: "refused").first)
        #expect(refused.transportState == .rejected)
        let told = try await store.notifications(for: [1], after: 0, limit: 10)
        #expect(told.map(\.type) == [.messageDeliveryStateUpdated, .refusedMessage])
        #expect(told.last?.description == "refused by the receiver's endpoint: HTTP 400")

        var original = message("answered", origin: .rest)
        original.msgId = "orig-1"
        _ = try await store.commitIngress([.accept(original)], now: now)
        try await store.recordDispatch([.sent(id: try await id(of: "answered"))], now: now)
        var receipt = message("receipt", origin: .amqp, from: 2, to: 1)
        receipt.kind = .appRec
        receipt.correlation = .appRec(originalMsgId: "orig-1", originalSender: 1, originalReceiver: 2, status: .rejected)
        _ = try await store.commitIngress([.accept(receipt)], now: now)
        let answered = try #require(try await store.storedMessages(messageId: "answered").first)
        #expect(answered.status == .rejected)
        #expect(answered.transportState == .acknowledged)
        #expect(answered.appRec?.messageId == "receipt")
        let last = try #require(try await store.notifications(for: [1], after: told.last?.offset ?? 0, limit: 10).last)
        #expect(last.type == .messageApprecInfoUpdated)
    }

    @Test(arguments: StoreBackend.allCases)
    static func expiryAbandonsAndChannelsRoundTrip(_ backend: StoreBackend) async throws { try await Self(backend).expiryAbandonsAndChannelsRoundTrip() }
    func expiryAbandonsAndChannelsRoundTrip() async throws {
        _ = try await store.commitIngress([.accept(message("late", origin: .rest))], now: now)
        try await store.recordDispatch([.givenUp(id: try await id(of: "late"), status: .expired, reason: "not sent before its expiry",
                                                 deadLetter: nil, notice: nil)], now: now)
        #expect(try await store.storedMessages(messageId: "late").first?.transportState == .abandoned)
        #expect(try await store.notifications(for: [1], after: 0, limit: 10).first?.description == "Transport delivery state: Abandoned")

        let hook = WebhookEndpoint(url: "https://example.org/hook", secret: "0123456789abcdef")
        try await store.setDeliveryChannels([2: .api, 3: .webhook(hook)], now: now)
        #expect(try await store.deliveryChannels() == [2: .api, 3: .webhook(hook)])
        try await store.setDeliveryChannels([2: .amqp], now: now)
        let cache = ChannelCache()
        #expect(try await cache.refresh(from: store))
        #expect(cache.channel(of: 2) == .amqp)
        #expect(cache.channel(of: 3) == .webhook(hook))
        #expect(!(try await cache.refresh(from: store)))
    }

    /// A message hubd sent to a party's queue comes back through gateway mode: it is dispatched
    /// again, and not expired for having been delivered once already.
    @Test(arguments: StoreBackend.allCases)
    static func aMessageBackFromThePartysQueueIsSentAgainWithTheReturnsExpiry(_ backend: StoreBackend) async throws { try await Self(backend).aMessageBackFromThePartysQueueIsSentAgainWithTheReturnsExpiry() }
    func aMessageBackFromThePartysQueueIsSentAgainWithTheReturnsExpiry() async throws {
        var original = message("back", origin: .amqp)
        original.duplicateKey = DuplicateKey.accepted(senderHerId: 1, msgId: "msg-back")
        original.expiresAt = now.addingTimeInterval(1)
        _ = try await store.commitIngress([.accept(original)], now: now)
        try await store.recordDispatch([.sent(id: try await id(of: "back"))], now: now)

        let later = now.addingTimeInterval(3600)
        var returned = message("back-again", origin: .gateway)
        returned.msgId = "msg-back"
        returned.duplicateKey = original.duplicateKey
        returned.expiresAt = later.addingTimeInterval(600)
        #expect(try await store.commitIngress([.accept(returned)], now: later) == [.duplicate])
        let due = try await store.dueMessages(for: .partyAsync(herId: 2), now: later, limit: 10)
        #expect(due.map(\.messageId) == ["back"])
        #expect(due.first?.expiresAt == later.addingTimeInterval(600))
    }
}
