import AddressRegistry
import Dialogs
import Foundation
import Logging
import Synchronization

/// Keeps the registry copy current from AR's CommunicationParty API v1 (dialogs.md §3).
///
/// Without a stored position (first start, or after a file import), a full sync: AR's export,
/// then its parties in batches, written as a new copy in one transaction once all have come.
/// With one, AR's event feed after it: each created or updated party is fetched again and
/// replaced, and the position moves on in the same transaction, so a restart continues where
/// the last run stopped. While AR fails, the copy in force stays and routing goes on; the outage
/// is logged once as a warning and its end once as a notice.
///
/// ```swift
/// let sync = RegistrySync(store: store, client: arClient, settings: RegistrySyncSettings(pollInterval: 60),
///                         logger: logger, changed: { hub.nudge() })
/// Task { await sync.run() }           // until `shutdown()`
/// let report = try await sync.fullSync()   // `hubd registry sync`
/// ```
package final class RegistrySync: Sendable {
    private let store: any HubStore
    private let client: any AddressRegisterClient
    private let settings: RegistrySyncSettings
    private let logger: Logger
    /// Called after the copy changed, so that the hub reloads it now rather than at its next look.
    private let changed: @Sendable () -> Void
    private let clock: @Sendable () -> Date
    private let wake = WakeSignal()
    private let stopping = Mutex(false)
    /// One instance of a fleet follows AR; the others reload the copy it writes.
    private let lease: FleetLease

    /// - Parameters:
    ///   - changed: called after a sync wrote to the copy.
    ///   - clock: the time recorded with what was written.
    package init(
        store: any HubStore, client: any AddressRegisterClient, settings: RegistrySyncSettings, logger: Logger,
        changed: @escaping @Sendable () -> Void = {}, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.client = client
        self.settings = settings
        self.logger = logger
        self.changed = changed
        self.clock = clock
        lease = FleetLease(.registrySync, length: max(3 * settings.pollInterval, 60), store: store)
    }

    // MARK: Background work

    /// Syncs, then waits a poll interval, until `shutdown()`.
    package func run() async {
        if let position = try? await store.registrySyncPosition(), position.url == client.url {
            logger.info("following the Address Register's event feed", metadata: [
                "ar_url": "\(client.url)", "sequence": "\(position.sequence)",
                "exported_at": "\(Timestamp.format(position.exportedAt))", "synced_at": "\(Timestamp.format(position.syncedAt))",
            ])
        } else {
            logger.info("no registry copy from this Address Register yet: a full sync comes first", metadata: ["ar_url": "\(client.url)"])
        }
        var failing = false
        while !isStopping {
            do throws(RegistrySyncError) {
                if try await holdsLease() { try await syncOnce() }
                if failing {
                    logger.notice("Address Register sync works again", metadata: ["ar_url": "\(client.url)"])
                    failing = false
                }
            } catch {
                if isStopping { break }
                if failing {
                    logger.debug("Address Register sync failed again", metadata: ["error": "\(LogSafe.text(error.description))"])
                } else {
                    logger.warning("Address Register sync failed; routing goes on with the registry copy in force", metadata: [
                        "ar_url": "\(client.url)", "error": "\(LogSafe.text(error.description))",
                    ])
                    failing = true
                }
            }
            await wake.wait(timeout: .milliseconds(Int64(settings.pollInterval * 1000)))
        }
        logger.info("Address Register sync stopped")
    }

    /// Whether this instance is the one that syncs; a store that cannot tell fails the round.
    private func holdsLease() async throws(RegistrySyncError) -> Bool {
        do {
            return try await lease.isHeld(now: clock())
        } catch {
            throw .store(error)
        }
    }

    /// Stops `run()`; a sync under way gives up before its next call to AR, writing nothing.
    package func shutdown() {
        stopping.withLock { $0 = true }
        wake.signal()
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    // MARK: Syncing

    /// One step: the events since the stored position, or a full sync when there is none (or it
    /// is another AR's).
    @discardableResult
    package func syncOnce() async throws(RegistrySyncError) -> RegistrySyncReport {
        let position: RegistrySyncPosition?
        do {
            position = try await store.registrySyncPosition()
        } catch {
            throw .store(error)
        }
        guard let position, position.url == client.url else { return try await fullSync() }
        return try await followEvents(after: position.sequence)
    }

    /// AR's export and every party it lists, in batches; the copy is replaced only once all of
    /// them have come.
    @discardableResult
    package func fullSync() async throws(RegistrySyncError) -> RegistrySyncReport {
        let export: AddressRegisterExport
        do {
            export = try await client.export()
        } catch {
            throw .addressRegister(error)
        }
        let entries = try await fetch(export.herIds)
        do {
            try await store.replaceRegistry(fromAR: entries, url: client.url, sequence: export.lastSequenceNumber, now: clock())
        } catch {
            throw .store(error)
        }
        logger.notice("registry copy replaced from the Address Register", metadata: [
            "ar_url": "\(client.url)", "parties": "\(entries.count)", "listed": "\(export.herIds.count)",
            "sequence": "\(export.lastSequenceNumber)",
        ])
        changed()
        return RegistrySyncReport(kind: .full, parties: entries.count, removed: 0, sequence: export.lastSequenceNumber)
    }

    /// Takes in the feed page by page after `start`, each page in one transaction with its position.
    private func followEvents(after start: Int64) async throws(RegistrySyncError) -> RegistrySyncReport {
        var sequence = start
        var written = 0
        var removed = 0
        defer {
            if written + removed > 0 {
                logger.info("registry copy updated from Address Register events", metadata: [
                    "ar_url": "\(client.url)", "parties": "\(written)", "removed": "\(removed)", "sequence": "\(sequence)",
                ])
                changed()
            }
        }
        while true {
            // A position stored by a hubd that took any number AR gave: there is none after it.
            guard sequence < Int64.max else {
                throw .addressRegister(AddressRegisterError("the stored Address Register position \(sequence) is the largest there is: events cannot be followed from it"))
            }
            let events: [AddressRegisterEvent]
            do {
                events = try await client.events(from: sequence + 1, limit: settings.maxEvents)
            } catch {
                throw .addressRegister(error)
            }
            let fresh = events.filter { $0.sequenceNumber > sequence }
            guard let last = fresh.map(\.sequenceNumber).max() else { break }
            let named = fresh.filter { AddressRegisterEvent.partyChanges.contains($0.eventType) }.map(\.herId)
            let fetched = try await fetch(named)
            // What AR no longer gives out (deactivated, say) is no party to route to.
            let gone = Set(named).subtracting(fetched.map(\.party.herId)).sorted()
            let applied: Bool
            do {
                applied = try await store.applyRegistryEvents(
                    changed: fetched, removed: gone, url: client.url, after: sequence, through: last, now: clock())
            } catch {
                throw .store(error)
            }
            guard applied else {
                // A file import or another sync replaced the copy meanwhile; the next poll starts from its position.
                logger.notice("registry copy replaced while Address Register events were applied; they were left out")
                break
            }
            sequence = last
            written += fetched.count
            removed += gone.count
            if events.count < settings.maxEvents { break }
        }
        return RegistrySyncReport(kind: .events, parties: written, removed: removed, sequence: sequence)
    }

    /// The parties with these HER-ids as AR gives them now, in batches, each once; only those
    /// asked for.
    private func fetch(_ listed: [Int]) async throws(RegistrySyncError) -> [RegistryEntry] {
        var seen: Set<Int> = []
        let herIds = listed.filter { seen.insert($0).inserted }
        var entries: [RegistryEntry] = []
        entries.reserveCapacity(herIds.count)
        var start = herIds.startIndex
        while start < herIds.endIndex {
            guard !isStopping else { throw .addressRegister(AddressRegisterError("hubd is stopping; the sync was left unfinished")) }
            // A full export of the real register is thousands of requests: the lease is renewed
            // on the way (a third of it at a time), and if another instance took it meanwhile,
            // this one stops rather than sync beside it (fleet contract §2: one at a time).
            guard try await holdsLease() else {
                throw .addressRegister(AddressRegisterError("another instance took over the sync; this one was left unfinished"))
            }
            let batch = Array(herIds[start..<min(start + settings.batchSize, herIds.endIndex)])
            var asked = Set(batch)
            do {
                // `remove` keeps a party AR answered twice from being written twice.
                entries += try await client.parties(batch).filter { asked.remove($0.party.herId) != nil }
            } catch {
                throw .addressRegister(error)
            }
            start += batch.count
        }
        return entries
    }
}
