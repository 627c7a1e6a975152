import AddressRegistry
import Foundation
@testable import Hub
import Logging
import Synchronization
import Testing

/// The registry sync against AR's API as a protocol stand-in, on a real store: full syncs,
/// events, the stored position, and outages (the HTTP side is in IntegrationTests).
@Suite(.timeLimit(.minutes(1))) struct RegistrySyncTests {
    static let url = "https://ar.test"
    let store: any HubStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ backend: StoreBackend) async throws {
        store = try await backend.makeStore()
    }

    func sync(_ ar: FakeAddressRegister, maxEvents: Int = 1000, logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
              pollInterval: TimeInterval = 60) -> RegistrySync {
        RegistrySync(
            store: store, client: ar, settings: RegistrySyncSettings(pollInterval: pollInterval, maxEvents: maxEvents), logger: logger,
            clock: { now })
    }

    func party(_ herId: Int) async throws -> CommunicationParty? {
        try await store.loadRegistry(at: now).registry.party(herId: herId)
    }

    func queue(_ herId: Int) async throws -> String? {
        try await party(herId)?.queue(.async)
    }

    @Test(arguments: StoreBackend.allCases)
    static func aFullSyncFetchesEveryPartyInBatchesAndReplacesTheCopy(_ backend: StoreBackend) async throws { try await Self(backend).aFullSyncFetchesEveryPartyInBatchesAndReplacesTheCopy() }
    func aFullSyncFetchesEveryPartyInBatchesAndReplacesTheCopy() async throws {
        try await store.replaceRegistry(try RegistryFile.parse(Data(#"[{"HerId": 1}]"#.utf8)), source: "old.json", now: now)
        let ar = FakeAddressRegister(parties: 250)
        let report = try await sync(ar).syncOnce()
        #expect(report == RegistrySyncReport(kind: .full, parties: 250, removed: 0, sequence: 40))
        #expect(ar.calls.filter { $0 == "export" }.count == 1)
        #expect(ar.batchSizes == [100, 100, 50])
        let (version, registry) = try await store.loadRegistry(at: now)
        #expect(version == 2)
        #expect(registry.count == 250 && registry.party(herId: 1) == nil)
        #expect(try await queue(1001) == "1001_async")
        #expect(try await store.registrySyncPosition() == RegistrySyncPosition(url: Self.url, sequence: 40, exportedAt: now, syncedAt: now))
        #expect(try await store.partyProvenance(herId: 1001) == PartyProvenance(origin: .arExport(url: Self.url, sequence: 40), at: now))
    }

    @Test(arguments: StoreBackend.allCases)
    static func eventsReplaceAddAndRemovePartiesAndMoveThePosition(_ backend: StoreBackend) async throws { try await Self(backend).eventsReplaceAddAndRemovePartiesAndMoveThePosition() }
    func eventsReplaceAddAndRemovePartiesAndMoveThePosition() async throws {
        let ar = FakeAddressRegister(parties: 3)
        let sync = sync(ar)
        try await sync.fullSync()
        ar.update(1001, queue: "moved_async", sequence: 41)
        ar.add(2000, sequence: 42)
        ar.remove(1002, sequence: 43)
        ar.addEvent(44, herId: 1003, type: "SomethingElse")
        let report = try await sync.syncOnce()
        #expect(report == RegistrySyncReport(kind: .events, parties: 2, removed: 1, sequence: 44))
        #expect(ar.calls.filter { $0 == "export" }.count == 1)
        #expect(ar.calls.filter { $0.hasPrefix("events") } == ["events from 41"])
        #expect(try await queue(1001) == "moved_async")
        #expect(try await queue(2000) == "2000_async")
        #expect(try await party(1002) == nil)
        #expect(try await store.registrySyncPosition()?.sequence == 44)
        #expect(try await store.partyProvenance(herId: 1001) == PartyProvenance(origin: .arEvent(url: Self.url, sequence: 44), at: now))
        #expect(try await store.partyProvenance(herId: 1003)?.origin == .arExport(url: Self.url, sequence: 40))

        // Nothing new: no write, no new version.
        let version = try await store.registryVersion()
        #expect(try await sync.syncOnce() == RegistrySyncReport(kind: .events, parties: 0, removed: 0, sequence: 44))
        #expect(try await store.registryVersion() == version)
    }

    @Test(arguments: StoreBackend.allCases)
    static func aLongFeedIsReadPageByPage(_ backend: StoreBackend) async throws { try await Self(backend).aLongFeedIsReadPageByPage() }
    func aLongFeedIsReadPageByPage() async throws {
        let ar = FakeAddressRegister(parties: 3)
        let sync = sync(ar, maxEvents: 2)
        try await sync.fullSync()
        for sequence in 41...45 { ar.update(1001, queue: "q\(sequence)", sequence: Int64(sequence)) }
        let report = try await sync.syncOnce()
        #expect(report.sequence == 45)
        #expect(ar.calls.filter { $0.hasPrefix("events") } == ["events from 41", "events from 43", "events from 45"])
        #expect(try await queue(1001) == "q45")
    }

    @Test(arguments: StoreBackend.allCases)
    static func aFileImportMakesTheNextSyncAFullOne(_ backend: StoreBackend) async throws { try await Self(backend).aFileImportMakesTheNextSyncAFullOne() }
    func aFileImportMakesTheNextSyncAFullOne() async throws {
        let ar = FakeAddressRegister(parties: 3)
        let sync = sync(ar)
        try await sync.fullSync()
        try await store.replaceRegistry(try RegistryFile.parse(Data(#"[{"HerId": 1}]"#.utf8)), source: "by-hand.json", now: now)
        #expect(try await store.registrySyncPosition() == nil)
        #expect(try await sync.syncOnce().kind == .full)
        #expect(ar.calls.filter { $0 == "export" }.count == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    static func eventsForACopyReplacedMeanwhileAreLeftOut(_ backend: StoreBackend) async throws { try await Self(backend).eventsForACopyReplacedMeanwhileAreLeftOut() }
    func eventsForACopyReplacedMeanwhileAreLeftOut() async throws {
        let ar = FakeAddressRegister(parties: 3)
        try await sync(ar).fullSync()
        let entries = try RegistryFile.parse(Data(#"[{"herId": 7, "amqpTransportStatus": "Disabled"}]"#.utf8))
        #expect(try await store.applyRegistryEvents(changed: entries, removed: [], url: Self.url, after: 39, through: 41, now: now) == false)
        #expect(try await store.applyRegistryEvents(changed: entries, removed: [], url: "https://other.ar", after: 40, through: 41, now: now) == false)
        #expect(try await party(7) == nil)
        #expect(try await store.applyRegistryEvents(changed: entries, removed: [1001], url: Self.url, after: 40, through: 41, now: now))
        #expect(try await party(7) != nil)
        #expect(try await party(1001) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    static func aFailedFullSyncLeavesTheCopyAsItWas(_ backend: StoreBackend) async throws { try await Self(backend).aFailedFullSyncLeavesTheCopyAsItWas() }
    func aFailedFullSyncLeavesTheCopyAsItWas() async throws {
        try await store.replaceRegistry(try RegistryFile.parse(Data(#"[{"HerId": 1}]"#.utf8)), source: "old.json", now: now)
        let ar = FakeAddressRegister(parties: 250)
        ar.failBatch(3)
        await #expect(throws: RegistrySyncError.self) { try await sync(ar).syncOnce() }
        #expect(try await store.loadRegistry(at: now).registry.allParties.map(\.herId) == [1])
        #expect(try await store.registrySyncPosition() == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    static func anOutageIsLoggedOnceAndItsEndOnce(_ backend: StoreBackend) async throws { try await Self(backend).anOutageIsLoggedOnceAndItsEndOnce() }
    func anOutageIsLoggedOnceAndItsEndOnce() async throws {
        let logs = CapturedLogs()
        let ar = FakeAddressRegister(parties: 3)
        let sync = sync(ar, logger: logs.logger, pollInterval: 0.02)
        try await sync.fullSync()
        ar.down = true
        let task = Task { await sync.run() }
        // Positive signal: many polls failed.
        while ar.calls.filter({ $0.hasPrefix("events") }).count < 5 { try await Task.sleep(for: .milliseconds(5)) }
        ar.down = false
        while !logs.messages.contains("Address Register sync works again") { try await Task.sleep(for: .milliseconds(5)) }
        sync.shutdown()
        await task.value
        #expect(logs.messages.filter { $0.hasPrefix("Address Register sync failed;") }.count == 1)
        #expect(logs.messages.filter { $0 == "Address Register sync works again" }.count == 1)
        #expect(logs.warnings == 1)
    }
}

/// AR as the sync sees it: `parties` parties with HER-ids from 1001 and queues `<herId>_async`,
/// an export at sequence 40, and an event feed a test appends to.
final class FakeAddressRegister: AddressRegisterClient {
    private struct State {
        var parties: [Int: String] = [:]
        var events: [AddressRegisterEvent] = []
        var calls: [String] = []
        var batchSizes: [Int] = []
        var failingBatch: Int?
        var down = false
    }

    let url = RegistrySyncTests.url
    private let state = Mutex(State())
    /// Runs before each batched lookup is answered, with its number (from 1).
    let beforeBatch = Mutex<(@Sendable (Int) async throws -> Void)?>(nil)

    init(parties: Int) {
        state.withLock { state in
            for herId in 1001..<(1001 + parties) { state.parties[herId] = Self.party(herId, queue: "\(herId)_async") }
        }
    }

    static func party(_ herId: Int, queue: String) -> String {
        #"{"herId": \#(herId), "type": "Service", "amqpTransportStatus": "Enabled", "amqpAddress": {"amqpAsyncQueue": "\#(queue)", "amqpErrorQueue": "\#(herId)_error"}}"#
    }

    var calls: [String] { state.withLock { $0.calls } }
    var batchSizes: [Int] { state.withLock { $0.batchSizes } }
    var down: Bool {
        get { state.withLock { $0.down } }
        set { state.withLock { $0.down = newValue } }
    }

    func update(_ herId: Int, queue: String, sequence: Int64) {
        state.withLock { $0.parties[herId] = Self.party(herId, queue: queue) }
        addEvent(sequence, herId: herId, type: "CommunicationPartyUpdated")
    }

    func add(_ herId: Int, sequence: Int64) {
        state.withLock { $0.parties[herId] = Self.party(herId, queue: "\(herId)_async") }
        addEvent(sequence, herId: herId, type: "CommunicationPartyCreated")
    }

    /// AR stops giving the party out (deactivated), after an update event.
    func remove(_ herId: Int, sequence: Int64) {
        _ = state.withLock { $0.parties.removeValue(forKey: herId) }
        addEvent(sequence, herId: herId, type: "CommunicationPartyUpdated")
    }

    func addEvent(_ sequence: Int64, herId: Int, type: String) {
        state.withLock { $0.events.append(AddressRegisterEvent(sequenceNumber: sequence, herId: herId, eventType: type)) }
    }

    /// The `number`th batched lookup (from 1) answers with an error.
    func failBatch(_ number: Int) {
        state.withLock { $0.failingBatch = number }
    }

    func export() async throws(AddressRegisterError) -> AddressRegisterExport {
        try state.withLock { state throws(AddressRegisterError) in
            state.calls.append("export")
            guard !state.down else { throw AddressRegisterError("down") }
            return AddressRegisterExport(herIds: state.parties.keys.sorted(), lastSequenceNumber: 40)
        }
    }

    func parties(_ herIds: [Int]) async throws(AddressRegisterError) -> [RegistryEntry] {
        if let hook = beforeBatch.withLock({ $0 }) {
            do {
                try await hook(state.withLock { $0.batchSizes.count } + 1)
            } catch {
                throw AddressRegisterError("\(error)")
            }
        }
        let json = try state.withLock { state throws(AddressRegisterError) in
            state.calls.append("parties")
            state.batchSizes.append(herIds.count)
            guard !state.down, state.failingBatch != state.batchSizes.count else { throw AddressRegisterError("HTTP 503") }
            return "[" + herIds.compactMap { state.parties[$0] }.joined(separator: ",") + "]"
        }
        do {
            return try RegistryFile.parse(Data(json.utf8), as: .communicationPartyV1)
        } catch {
            throw AddressRegisterError("\(error)")
        }
    }

    func events(from sequence: Int64, limit: Int) async throws(AddressRegisterError) -> [AddressRegisterEvent] {
        try state.withLock { state throws(AddressRegisterError) in
            state.calls.append("events from \(sequence)")
            guard !state.down else { throw AddressRegisterError("down") }
            return Array(state.events.filter { $0.sequenceNumber >= sequence }.prefix(limit))
        }
    }
}

/// Every log line's message and the number of warnings.
final class CapturedLogs: Sendable {
    private let state = Mutex<(messages: [String], warnings: Int)>(([], 0))

    var messages: [String] { state.withLock { $0.messages } }
    var warnings: Int { state.withLock { $0.warnings } }

    var logger: Logger {
        Logger(label: "captured") { _ in Handler(logs: self) }
    }

    fileprivate func record(_ message: String, level: Logger.Level) {
        state.withLock { state in
            state.messages.append(message)
            if level == .warning { state.warnings += 1 }
        }
    }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.record(event.message.description, level: event.level)
        }
    }
}
