import AddressRegistry
import Foundation
import Hub
import Logging
import RESTBridge
import Testing

/// PROMs orders against time: hubd's own `PromsOrders` on a real store, placing orders over
/// HTTP at the service double, with the clock in the test's hand.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PromsExpiryTests {
    /// Noon on 2027-01-15, Norwegian time (11:00 UTC).
    static let start = Date(timeIntervalSince1970: 1_800_010_800)
    static let day: TimeInterval = 24 * 3600

    struct Setup {
        let store: any HubStore
        let orders: PromsOrders
        let service: PromsServiceDouble
        let clock: ManualClock
    }

    static func setUp(expiryCheckInterval: TimeInterval = 600) async throws -> Setup {
        let directory = try TestEnvironment.temporaryDirectory()
        let store = try SQLiteStore(path: directory.appendingPathComponent("hub.sqlite").path)
        let service = try await PromsServiceDouble.start()
        let clock = ManualClock(start)
        let orders = PromsOrders(
            store: store,
            client: PromsHTTPClient(client: .shared, baseURL: service.url, apiKey: "key", timeout: .seconds(5),
                                    logger: TestEnvironment.quietLogger),
            settings: PromsSettings(
                retry: Backoff(initialDelay: 60, maximumDelay: 3600, jitter: 0), expiryCheckInterval: expiryCheckInterval),
            logger: TestEnvironment.quietLogger, clock: clock.function, random: { 0.5 })
        clock.onAdvance { orders.nudge() }
        return Setup(store: store, orders: orders, service: service, clock: clock)
    }

    static func newOrder(expiryDate: String, reference: String = UUID().uuidString) throws -> NewPromsOrder {
        try PromsOrderRequest(
            registerHerId: TestParties.register, registerReference: reference, formId: "PROM-HOS-1",
            nationalId: PromsOrderTests.patient, expiryDate: expiryDate
        ).validated(now: start)
    }

    static func id(_ acceptance: PromsOrderAcceptance) throws -> String {
        guard case .created(let id) = acceptance else { throw TestFailure("not created: \(acceptance)") }
        return id
    }

    @Test func anOrderWithoutAnAnswerExpiresByItselfADayAfterItsExpiryDate() async throws {
        let setup = try await Self.setUp(expiryCheckInterval: 3600)
        defer { setup.service.stop() }
        let running = Task { await setup.orders.run() }
        let id = try Self.id(try await setup.orders.accept(try Self.newOrder(expiryDate: "2027-01-16")))
        #expect(try await eventually { try await setup.store.promsOrder(id: id)?.status == .ordered })

        // The end of 2027-01-16 in Norway is 2027-01-16T23:00Z: 36 hours from the start. A day later
        // less a minute the order still waits for the service.
        setup.clock.advance(by: 36 * 3600 + Self.day - 60)
        // The sweep ran at that time (the clock moved past its interval): a positive signal that it looked.
        try await Self.waitForSweep(setup, after: setup.clock.now)
        #expect(try await setup.store.promsOrder(id: id)?.status == .ordered)

        setup.clock.advance(by: 3600)
        #expect(try await eventually { try await setup.store.promsOrder(id: id)?.status == .expired })
        let order = try #require(try await setup.store.promsOrder(id: id))
        #expect(order.history.map(\.status) == [.accepted, .ordered, .expired])
        #expect(order.history.last?.at == setup.clock.now)
        let notifications = try await setup.store.notifications(for: [TestParties.register], after: 0, limit: 10)
        #expect(notifications.allSatisfy { $0.type == .promsOrderUpdated })
        #expect(notifications.filter { $0.relatedMessageId == id }.map(\.description) == ["PROMs order ordered",
            "PROMs order expired: no answer from the PROMs service by the day after the expiry date"])
        // Each update (of this order and of the marker) waits in the outbox for the register's queue.
        #expect(try await setup.store.pendingCount() == notifications.count)

        // The service's late answer is taken, and changes nothing: expired is final.
        let formOrderId = try #require(order.formOrderId)
        #expect(try await setup.orders.record(PromsCallback(
            formOrderId: formOrderId, event: .completed(.init(formData: .null, signedFormId: nil, completedAt: Self.start, warnings: nil)),
            notificationChannel: nil)))
        #expect(try await setup.store.promsOrder(id: id)?.status == .expired)
        setup.orders.shutdown()
        await running.value
    }

    @Test func anOrderTheServiceCannotTakeFailsAtTheEndOfItsExpiryDate() async throws {
        let setup = try await Self.setUp()
        defer { setup.service.stop() }
        setup.service.failNext(100)
        let id = try Self.id(try await setup.orders.accept(try Self.newOrder(expiryDate: "2027-01-15")))
        #expect(try await setup.orders.placeOnce() == 1)
        // Tried again a minute later (the back-off without jitter), then two, then four.
        #expect(try await setup.store.nextPromsAttempt() == Self.start.addingTimeInterval(60))
        #expect(try await setup.orders.placeOnce() == 0)
        setup.clock.advance(by: 60)
        #expect(try await setup.orders.placeOnce() == 1)
        #expect(try await setup.store.nextPromsAttempt() == Self.start.addingTimeInterval(180))
        // The end of 2027-01-15 in Norway is 23:00 UTC, 12 hours on: never tried after it.
        setup.clock.advance(by: 12 * 3600)
        #expect(try await setup.orders.placeOnce() == 1)
        let order = try #require(try await setup.store.promsOrder(id: id))
        #expect(order.status == .failed)
        #expect(order.history.last?.detail == "not placed before the end of its expiry date; last error: the PROMs service answered HTTP 503")
        #expect(setup.service.requests.count == 2)
        #expect(try await setup.store.nextPromsAttempt() == nil)
    }

    @Test func theSameReferenceIsTheSameOrderAndAnotherOrderIsAConflict() async throws {
        let setup = try await Self.setUp()
        defer { setup.service.stop() }
        var order = try Self.newOrder(expiryDate: "2027-01-31", reference: "reg-1")
        order.metadata = .object(["visit": .integer(2), "study": .string("hip")])
        let id = try Self.id(try await setup.orders.accept(order))
        #expect(try await setup.orders.accept(order) == .existing(id: id))
        var changed = order
        changed.metadata = .object(["visit": .integer(3), "study": .string("hip")])
        #expect(try await setup.orders.accept(changed) == .conflict)
        #expect(try await setup.orders.accept(try Self.newOrder(expiryDate: "2027-01-30", reference: "reg-1")) == .conflict)
    }

    /// Waits until the loop has been through a sweep at `time` or later: an order expired then,
    /// or, when none was due, its next look at placements after the clock moved.
    static func waitForSweep(_ setup: Setup, after time: Date) async throws {
        // The loop sweeps before it places; an order accepted now is placed once the sweep is done.
        let marker = try id(try await setup.orders.accept(try newOrder(expiryDate: "2027-12-31")))
        guard try await eventually({ try await setup.store.promsOrder(id: marker)?.status == .ordered }) else {
            throw TestFailure("the PROMs loop did not run after the clock moved to \(time)")
        }
    }
}
