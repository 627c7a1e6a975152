import Dialogs
import Foundation
@testable import Hub
import Testing

/// The event log's rules and its delivery lanes, on a real SQLite file.
@Suite(.timeLimit(.minutes(1))) struct EventStoreTests {
    let store: any HubStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ backend: StoreBackend) async throws {
        store = try await backend.makeStore()
    }

    func event(
        citizen: String = "01019012345", sequence: Int, kind: AccessRestrictionEvent.Kind = .sperring,
        covers: [Int] = [3], eventId: String = UUID().uuidString.lowercased()
    ) -> EventDraft {
        EventDraft(
            event: AccessRestrictionEvent(
                eventId: eventId, kind: kind, action: .set, citizenSequence: sequence, occurredAt: "2026-12-03T10:00:00Z",
                nationalId: citizen, setBy: .innbygger, coveredHerIds: covers, code: kind == .nekting ? .n : nil),
            publisherHerId: 5)
    }

    func append(_ drafts: EventDraft...) async throws -> [IngressOutcome] {
        try await store.commitIngress(drafts.map { .event($0) }, now: now)
    }

    @Test(arguments: StoreBackend.allCases)
    static func theLogKeepsEachCitizensSequenceAndEachEventIdsContent(_ backend: StoreBackend) async throws { try await Self(backend).theLogKeepsEachCitizensSequenceAndEachEventIdsContent() }
    func theLogKeepsEachCitizensSequenceAndEachEventIdsContent() async throws {
        let first = event(sequence: 2)
        let outcomes = try await append(first, event(citizen: "02019012345", sequence: 1))
        #expect(outcomes == [.eventRecorded(sequence: 1, new: true), .eventRecorded(sequence: 2, new: true)])
        // The same event again: its sequence, nothing new. Its id with other content: refused.
        let repeated = try await append(first)
        #expect(repeated == [.eventRecorded(sequence: 1, new: false)])
        // Only an appended event wakes event delivery.
        #expect(outcomes.allSatisfy(\.appendedEvent) && !repeated.contains(where: \.appendedEvent))
        let changed = event(sequence: 3, eventId: first.event.eventId)
        #expect(try await append(changed) == [.eventRefused(EventDraft.contentRefusal)])
        // Backwards and repeated, with new ids: refused; forwards: appended.
        #expect(try await append(event(sequence: 1)) == [.eventRefused(EventDraft.sequenceRefusal)])
        #expect(try await append(event(sequence: 2)) == [.eventRefused(EventDraft.sequenceRefusal)])
        #expect(try await append(event(sequence: 7)) == [.eventRecorded(sequence: 3, new: true)])
        #expect(try await store.lastCitizenSequence(nationalId: "01019012345") == 7)
        #expect(try await store.event(eventId: first.event.eventId.uppercased())?.body == first.event.canonicalJSON)
    }

    @Test(arguments: StoreBackend.allCases)
    static func replayFollowsTheFilter(_ backend: StoreBackend) async throws { try await Self(backend).replayFollowsTheFilter() }
    func replayFollowsTheFilter() async throws {
        _ = try await append(event(sequence: 1), event(sequence: 2, kind: .nekting, covers: [4]), event(sequence: 3, covers: [4, 9]))
        let sperring = EventSubscription(herId: 1, kinds: [.sperring], channel: .api)
        #expect(try await store.events(after: 0, matching: sperring, limit: 10).map(\.sequence) == [1, 3])
        let covering = EventSubscription(herId: 1, coveredHerIds: [4], channel: .api)
        #expect(try await store.events(after: 0, matching: covering, limit: 10).map(\.sequence) == [2, 3])
        #expect(try await store.events(after: 2, matching: covering, limit: 10).map(\.sequence) == [3])
        #expect(try await store.events(after: 0, matching: covering, limit: 1).map(\.sequence) == [2])
    }

    @Test(arguments: StoreBackend.allCases)
    static func onlyTheHeadOfEachLaneIsDueAndAFailureHoldsBackOnlyItsLane(_ backend: StoreBackend) async throws { try await Self(backend).onlyTheHeadOfEachLaneIsDueAndAFailureHoldsBackOnlyItsLane() }
    func onlyTheHeadOfEachLaneIsDueAndAFailureHoldsBackOnlyItsLane() async throws {
        try await store.putSubscription(EventSubscription(herId: 7, channel: .webhook, webhook: WebhookEndpoint(url: "http://x", secret: "s")), now: now)
        try await store.putSubscription(EventSubscription(herId: 8, kinds: [.sperring], channel: .amqp), now: now)
        try await store.putSubscription(EventSubscription(herId: 9, coveredHerIds: [4], channel: .amqp), now: now)
        try await store.putSubscription(EventSubscription(herId: 10, channel: .api), now: now)
        _ = try await append(
            event(citizen: "A", sequence: 1, covers: [4]), event(citizen: "A", sequence: 2), event(citizen: "B", sequence: 1))
        let hooks = try await store.dueEventDeliveries(webhooks: true, now: now, limit: 100)
        #expect(hooks.map(\.sequence) == [1, 3])
        #expect(hooks.allSatisfy { $0.subscriber == 7 && $0.webhook?.url == "http://x" })
        // The exchange (subscriber 0) once per sperring event, subscriber 9 directly for what covers 4.
        let broker = try await store.dueEventDeliveries(webhooks: false, now: now, limit: 100)
        #expect(broker.map { "\($0.subscriber):\($0.sequence)" } == ["0:1", "9:1", "0:3"])
        #expect(try await store.dueEventDeliveries(webhooks: false, now: now, upTo: 1, limit: 100).count == 2)

        // Citizen A's head fails: its next event waits, citizen B's is delivered.
        let headA = try #require(hooks.first)
        try await store.recordEventDeliveries(delivered: [hooks[1]], failed: [(headA, now.addingTimeInterval(30), "503")])
        #expect(try await store.dueEventDeliveries(webhooks: true, now: now, limit: 100).isEmpty)
        #expect(try await store.nextEventDeliveryDue(webhooks: true) == now.addingTimeInterval(30))
        let later = try await store.dueEventDeliveries(webhooks: true, now: now.addingTimeInterval(31), limit: 100)
        #expect(later.map(\.sequence) == [1])
        #expect(later.first?.attempts == 1)
        try await store.recordEventDeliveries(delivered: later, failed: [])
        #expect(try await store.dueEventDeliveries(webhooks: true, now: now.addingTimeInterval(31), limit: 100).map(\.sequence) == [2])
    }

    @Test(arguments: StoreBackend.allCases)
    static func theFailuresOfOnePassAreEachRescheduled(_ backend: StoreBackend) async throws { try await Self(backend).theFailuresOfOnePassAreEachRescheduled() }
    func theFailuresOfOnePassAreEachRescheduled() async throws {
        for herId in [7, 8] {
            try await store.putSubscription(
                EventSubscription(herId: herId, channel: .webhook, webhook: WebhookEndpoint(url: "http://\(herId)", secret: "s")), now: now)
        }
        _ = try await append(event(citizen: "A", sequence: 1))
        let hooks = try await store.dueEventDeliveries(webhooks: true, now: now, limit: 100)
        #expect(hooks.map(\.subscriber).sorted() == [7, 8])
        let first = try #require(hooks.first { $0.subscriber == 7 })
        let second = try #require(hooks.first { $0.subscriber == 8 })
        try await store.recordEventDeliveries(
            delivered: [], failed: [(first, now.addingTimeInterval(30), "503"), (second, now.addingTimeInterval(60), "timeout")])
        #expect(try await store.dueEventDeliveries(webhooks: true, now: now, limit: 100).isEmpty)
        #expect(try await store.nextEventDeliveryDue(webhooks: true) == now.addingTimeInterval(30))
        let sooner = try await store.dueEventDeliveries(webhooks: true, now: now.addingTimeInterval(31), limit: 100)
        #expect(sooner.map(\.subscriber) == [7] && sooner.map(\.attempts) == [1])
        let both = try await store.dueEventDeliveries(webhooks: true, now: now.addingTimeInterval(61), limit: 100)
        #expect(both.map(\.subscriber).sorted() == [7, 8] && both.allSatisfy { $0.attempts == 1 })
    }

    @Test(arguments: StoreBackend.allCases)
    static func aChangedChannelTakesThePendingEventsAlong(_ backend: StoreBackend) async throws { try await Self(backend).aChangedChannelTakesThePendingEventsAlong() }
    func aChangedChannelTakesThePendingEventsAlong() async throws {
        let hook = EventSubscription(herId: 7, channel: .webhook, webhook: WebhookEndpoint(url: "http://x", secret: "s"))
        try await store.putSubscription(hook, now: now)
        _ = try await append(event(sequence: 1))
        try await store.putSubscription(EventSubscription(herId: 7, channel: .amqp), now: now)
        #expect(try await store.dueEventDeliveries(webhooks: true, now: now, limit: 10).isEmpty)
        #expect(try await store.dueEventDeliveries(webhooks: false, now: now, limit: 10).map(\.subscriber) == [7])
        try await store.putSubscription(EventSubscription(herId: 7, channel: .api), now: now)
        #expect(try await store.pendingEventDeliveries().isEmpty)
        #expect(try await store.subscription(herId: 7)?.channel == .api)
        #expect(try await store.deleteSubscription(herId: 7))
        #expect(try await store.deleteSubscription(herId: 7) == false)
    }
}
