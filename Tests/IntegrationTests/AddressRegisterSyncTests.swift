import Foundation
import Hub
import Testing

/// A real hubd keeping its registry copy from a double of AR's API (dialogs.md §3): routing from
/// the synced copy, an AR event moving a party, AR down, and a restart that resumes the feed.
@Suite(.serialized, .timeLimit(.minutes(4))) struct AddressRegisterSyncTests {
    /// Short, so a test sees several polls; a move must show within one of them.
    static let pollSeconds = 2.0

    static func settings(_ ar: AddressRegisterDouble) -> [String: String] {
        ["HUBD_REGISTRY": "", "HUBD_AR_URL": ar.url, "HUBD_AR_POLL_SECONDS": "\(pollSeconds)"]
    }

    /// How many log lines hold `text`.
    static func lines(_ log: String, _ text: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(text) }.count
    }

    static let template: String = {
        (try? TestEnvironment.example("innsyn_bruk.xml")).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }()

    @Test func theSyncedCopyRoutesFollowsAMoveAndResumesAfterARestart() async throws {
        let parties = try TestParties()
        let ar = try await AddressRegisterDouble.start(prefix: parties.prefix)
        defer { ar.stop() }
        let hubd = try HubdProcess(parties: parties, overrides: Self.settings(ar))
        let probe = try BrokerProbe()
        let moved = "\(parties.prefix)_\(TestParties.register)_moved"
        defer { Task { await probe.delete(parties.allQueues + [moved]); await probe.close() } }
        try await hubd.start()

        // The first start has no copy: export, then every party in batches of at most 100.
        let synced = await eventually(timeout: .seconds(60)) { Self.lines(hubd.log, "registry reloaded") >= 1 }
        #expect(synced, "\(hubd.log)")
        #expect(ar.exportCalls == 1)
        #expect(ar.batchCalls == 2 && ar.largestBatch == 100, "\(ar.partyCount) parties in \(ar.batchCalls) batches")
        // No HUBD_HELSEID_TOKEN_URL: no Authorization header.
        #expect(ar.authorizations.allSatisfy { $0 == nil })

        // Routing works from the synced copy.
        let first = try await probe.submitExample(Self.template, tag: "synced", to: parties.submitQueue)
        #expect(try await probe.next(from: parties.asyncQueue(TestParties.register)).properties.messageId == first)
        let shown = try hubd.command(["registry", "show", "10037004"])
        #expect(shown.output.contains("source:         AR sync from \(ar.url) (full export at event 100)"), "\(shown.output)")

        // AR moves the register to a new queue: hubd routes there within one poll period.
        try await probe.client.declareQueue(moved)
        let polls = ar.eventPolls.count
        let sequence = try ar.moveAsyncQueue(of: TestParties.register, to: "tb.example.no/HubTest/\(moved)")
        let followed = await eventually(timeout: .seconds(Self.pollSeconds + 4)) { Self.lines(hubd.log, "registry reloaded") >= 2 }
        #expect(followed, "\(hubd.log)")
        #expect(ar.eventPolls.count - polls <= 2, "the move took \(ar.eventPolls.count - polls) polls")
        let second = try await probe.submitExample(Self.template, tag: "moved", to: parties.submitQueue)
        #expect(try await probe.next(from: moved).properties.messageId == second)
        #expect(try hubd.command(["registry", "show", "10037004"]).output.contains("(event \(sequence))"))

        // A restart continues from the stored sequence number: no new export.
        #expect(hubd.terminate() == 0)
        let pollsBefore = ar.eventPolls.count
        try await hubd.start()
        #expect(await eventually(timeout: .seconds(60)) { ar.eventPolls.count > pollsBefore })
        #expect(ar.eventPolls[pollsBefore] == sequence + 1)
        #expect(ar.exportCalls == 1)
        let third = try await probe.submitExample(Self.template, tag: "restarted", to: parties.submitQueue)
        #expect(try await probe.next(from: moved).properties.messageId == third)
        #expect(hubd.terminate() == 0)
    }

    @Test func withARDownRoutingGoesOnAndOneWarningIsLogged() async throws {
        let parties = try TestParties()
        let ar = try await AddressRegisterDouble.start(prefix: parties.prefix)
        defer { ar.stop() }
        let hubd = try await RESTHubd(parties: parties, overrides: Self.settings(ar))
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        #expect(await eventually(timeout: .seconds(60)) { Self.lines(hubd.process.log, "registry reloaded") >= 1 })

        ar.down = true
        // Positive signal: three polls refused, each one an occasion to log.
        #expect(await eventually(timeout: .seconds(Self.pollSeconds * 5 + 10)) { ar.refused >= 3 })
        let id = try await probe.submitExample(Self.template, tag: "ar-down", to: parties.submitQueue)
        #expect(try await probe.next(from: parties.asyncQueue(TestParties.register)).properties.messageId == id)
        #expect(try await hubd.request("GET", "/readyz", token: nil).status == 200)

        ar.down = false
        #expect(await eventually(timeout: .seconds(Self.pollSeconds + 10)) {
            Self.lines(hubd.process.log, "Address Register sync works again") == 1
        })
        let log = hubd.process.log
        #expect(Self.lines(log, " warning ") == 1, "\(log)")
        #expect(Self.lines(log, "Address Register sync failed; routing goes on") == 1)
        #expect(hubd.process.terminate() == 0)
    }

    @Test func registrySyncDoesOneFullSyncAndShowSaysSo() async throws {
        let parties = try TestParties()
        let ar = try await AddressRegisterDouble.start(prefix: parties.prefix)
        defer { ar.stop() }
        let hubd = try HubdProcess(parties: parties, overrides: Self.settings(ar))
        let synced = try hubd.command(["registry", "sync"])
        #expect(synced.status == 0, "\(synced.error)")
        #expect(synced.output == "synced \(ar.partyCount) parties from \(ar.url) (up to event 100)\n")
        #expect(ar.exportCalls == 1 && ar.eventPolls.isEmpty)
        let shown = try hubd.command(["registry", "show", "10037008"])
        #expect(shown.output.contains("E_SB_ASYNC:     \(parties.prefix)_10037007_async (inherited)"), "\(shown.output)")
        #expect(shown.output.contains("source:         AR sync from \(ar.url) (full export at event 100), "))

        // A sequence number hubd could not go on from is refused, not stored.
        ar.exportSequence = .max
        let outOfRange = try hubd.command(["registry", "sync"])
        #expect(outOfRange.status == 1)
        #expect(outOfRange.error.contains("AR answered the sequence number \(Int64.max), outside 0 to"), "\(outOfRange.error)")
        #expect(try hubd.command(["registry", "show", "10037008"]).output.contains("(full export at event 100)"))
        ar.exportSequence = 100

        ar.down = true
        let failed = try hubd.command(["registry", "sync"])
        #expect(failed.status == 1)
        #expect(failed.error == "hubd: Address Register: GET /api/v1/communicationparty/export: AR answered HTTP 503\n")
        // The copy from the first sync stays.
        #expect(try hubd.command(["registry", "show", "10037004"]).status == 0)

        let unset = try HubdProcess(parties: parties)
        let refused = try unset.command(["registry", "sync"])
        #expect(refused.status == 1)
        #expect(refused.error == "hubd: ar_url (HUBD_AR_URL) is not set: there is no Address Register to sync from\n")
        let both = try HubdProcess(parties: parties, overrides: ["HUBD_AR_URL": ar.url])
        #expect(try both.command(["registry", "sync"]).error.contains("registry (HUBD_REGISTRY) and ar_url (HUBD_AR_URL) exclude each other"))
        // Half a HelseID set-up stops the command before it calls AR.
        let calls = ar.authorizations.count
        let halfHelseID = try HubdProcess(parties: parties, overrides: Self.settings(ar).merging(
            ["HUBD_HELSEID_TOKEN_URL": "https://helseid-sts.test.nhn.no/connect/token"]) { $1 })
        #expect(try halfHelseID.command(["registry", "sync"]).error == """
            hubd: helseid_token_url needs helseid_client_id (HUBD_HELSEID_CLIENT_ID), helseid_key (HUBD_HELSEID_KEY) and ar_scope (HUBD_AR_SCOPE)

            """)
        #expect(ar.authorizations.count == calls)
    }
}
