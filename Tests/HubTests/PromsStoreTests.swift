import AddressRegistry
import Foundation
import GRDB
@testable import Hub
import Testing

/// The store's side of PROMs orders: the `v8-proms` migration over a store in use, and how
/// statuses from the service (out of order, repeated) make an order's history.
@Suite(.timeLimit(.minutes(1))) struct PromsStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_010_800)

    func order(_ reference: String = "reg-1") throws -> NewPromsOrder {
        try PromsOrderRequest(
            registerHerId: 10037004, registerReference: reference, formId: "PROM-HOS-1", nationalId: "13897210066",
            expiryDate: "2027-01-31"
        ).validated(now: now)
    }

    func ordered(_ store: any HubStore, _ reference: String = "reg-1", formOrderId: String) async throws -> String {
        guard case .created(let id) = try await store.acceptPromsOrder(try order(reference), id: UUID().uuidString.lowercased(), now: now) else {
            throw StoreError("accept", kind: .permanent, underlying: CorruptRecord("not created"))
        }
        try await store.recordPromsPlacement(.ordered(formOrderId: formOrderId, notificationChannel: nil), of: id, now: now, pushExpiry: 60)
        return id
    }

    @Test func notificationsKeepTheirOffsetsThroughTheMigration() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-v6-\(UUID().uuidString).sqlite").path
        do {
            // A store as v6 left it: three notifications about a message, the last one since pruned.
            let pool = try DatabasePool(path: path)
            try StoreSchema.migrator.migrate(pool, upTo: "v6-rest")
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO message (id, message_id, kind, target_kind, properties, body, state, accepted_at, expires_at)
                    VALUES (1, 'm1', 'dialog', 'async', x'', x'', 'available', 0, 0);
                    INSERT INTO notification (receiver_her_id, type, message, related_message_id, description, created_at)
                    VALUES (10037004, 'NewMessage', 1, 'm1', 'one', 0), (10037004, 'NewMessage', 1, 'm1', 'two', 0),
                           (10037004, 'NewMessage', 1, 'm1', 'three', 0);
                    DELETE FROM notification WHERE position = 3;
                    """)
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.notifications(for: [10037004], after: 0, limit: 10).map(\.description) == ["one", "two"])
        let id = try await ordered(store, formOrderId: "f1")
        let latest = try await store.notifications(for: [10037004], after: 2, limit: 10)
        // Position 3 was handed out before the migration: never again.
        #expect(latest.map(\.offset) == [4])
        #expect(latest.first?.relatedMessageId == id)
        #expect(latest.first?.type == .promsOrderUpdated)
    }

    @Test(arguments: StoreBackend.allCases)
    func statusesFromTheServiceMakeOneHistoryWhateverTheirOrder(_ backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let id = try await ordered(store, formOrderId: "F1")
        func report(_ event: PromsCallback.Event) async throws -> Bool {
            try await store.recordPromsCallback(PromsCallback(formOrderId: "f1", event: event, notificationChannel: nil), now: now, pushExpiry: 60)
        }
        #expect(try await report(.error(code: "PatientUnreachable")))
        #expect(try await report(.error(code: "PatientUnreachable")))
        // An Ordered that comes late joins nothing (ordered is there) and moves nothing back.
        #expect(try await report(.ordered))
        #expect(try await store.promsOrder(id: id)?.status == .error)
        let answer = PromsOrder.Answer(formData: .object(["q1": .integer(2)]), signedFormId: "s1", completedAt: now, warnings: .array([]))
        #expect(try await report(.completed(answer)))
        #expect(try await report(.expired))
        let order = try #require(try await store.promsOrder(id: id))
        #expect(order.status == .completed)
        #expect(order.history.map(\.status) == [.accepted, .ordered, .error, .completed])
        #expect(order.answer == answer)
        #expect(try await store.recordPromsCallback(
            PromsCallback(formOrderId: "other", event: .expired, notificationChannel: nil), now: now, pushExpiry: 60) == false)
        // One notification and one push per new status: ordered, error, completed.
        #expect(try await store.notifications(for: [10037004], after: 0, limit: 10).count == 3)
        #expect(try await store.pendingCount() == 3)
        // Finished orders go with retention, and their notifications with them.
        #expect(try await store.prunePromsOrders(finishedBefore: now.addingTimeInterval(1)) == 1)
        #expect(try await store.promsOrder(id: id) == nil)
        #expect(try await store.notifications(for: [10037004], after: 0, limit: 10).isEmpty)
    }

    /// Orders left without an answer expire a batch of `limit` at a time, each once: a placed
    /// one and one never placed, whose next attempt goes with it.
    @Test(arguments: StoreBackend.allCases)
    func unansweredOrdersExpireABatchAtATime(_ backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        var ids = [try await ordered(store, "reg-1", formOrderId: "f1"), try await ordered(store, "reg-2", formOrderId: "f2")]
        guard case .created(let waiting) = try await store.acceptPromsOrder(try order("reg-3"), id: "waiting", now: now) else {
            Issue.record("not created")
            return
        }
        ids.append(waiting)
        #expect(try await store.nextPromsAttempt() != nil)
        let long = Date(timeIntervalSince1970: 1_900_000_000)
        #expect(try await store.expirePromsOrders(endedBefore: long, now: long, pushExpiry: 60, limit: 2) == 2)
        #expect(try await store.expirePromsOrders(endedBefore: long, now: long, pushExpiry: 60, limit: 2) == 1)
        #expect(try await store.expirePromsOrders(endedBefore: long, now: long, pushExpiry: 60, limit: 2) == 0)
        for id in ids { #expect(try await store.promsOrder(id: id)?.status == .expired) }
        #expect(try await store.nextPromsAttempt() == nil)
        // Two orders placed, three expired: a notification and a push for each.
        #expect(try await store.notifications(for: [10037004], after: 0, limit: 20).count == 5)
        #expect(try await store.pendingCount() == 5)
    }
}
