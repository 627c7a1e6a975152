import AddressRegistry
import Foundation
@testable import Hub
import Synchronization
import Testing

/// The hub's registry follows parties' validity (AR's validFrom/validTo) by its clock, without
/// a new import.
@Suite(.timeLimit(.minutes(1))) struct RegistryCacheTests {
    @Test func aPartyStopsBeingRoutableWhenItsValidityEnds() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-cache-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path, deadLetterQueue: "test.dead")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let time = Mutex(start)
        try await store.replaceRegistry(try RegistryFile.parse(Data(#"""
            [{"herId": 1, "amqpTransportStatus": "Enabled", "amqpAddress": {"amqpAsyncQueue": "1_async", "amqpErrorQueue": "1_error"},
              "validTo": "2027-01-15T08:00:10Z"},
             {"herId": 2, "amqpTransportStatus": "Enabled", "amqpAddress": {"amqpAsyncQueue": "2_async", "amqpErrorQueue": "2_error"},
              "validFrom": "2027-01-15T08:00:20Z"}]
            """#.utf8)), source: "test", now: start)
        let cache = RegistryCache(clock: { time.withLock { $0 } })
        #expect(try await cache.refresh(from: store))
        #expect(cache.current.party(herId: 1)?.canReceive == true)
        #expect(cache.current.party(herId: 2)?.canReceive == false)
        #expect(try await cache.refresh(from: store) == false)

        time.withLock { $0 = start.addingTimeInterval(10) }
        #expect(try await cache.refresh(from: store))
        #expect(cache.current.party(herId: 1)?.canReceive == false)
        #expect(cache.current.party(herId: 2)?.canReceive == false)

        time.withLock { $0 = start.addingTimeInterval(20) }
        #expect(try await cache.refresh(from: store))
        #expect(cache.current.party(herId: 2)?.canReceive == true)
        // No bound ahead: nothing to reload for until the store changes.
        time.withLock { $0 = start.addingTimeInterval(3600) }
        #expect(try await cache.refresh(from: store) == false)
    }
}
