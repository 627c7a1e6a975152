import Foundation
import Hub
import Testing

/// The executable as a newcomer uses it: serve, send, status, registry, dead letters.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HubdCommandTests {
    @Test func sendThenStatusShowsAcceptedThenSent() async throws {
        let parties = try TestParties()
        let hubd = try HubdProcess(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()

        let file = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/examples/messages/innsyn_bruk.xml").path
        let sent = try hubd.command(["send", "--file", file, "--from", "10037002", "--to", "10037004"])
        #expect(sent.status == 0, "\(sent.error)")
        let messageId = sent.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(UUID(uuidString: messageId) != nil)

        let delivery = try await probe.next(from: parties.asyncQueue(TestParties.register))
        #expect(delivery.properties.messageId == messageId)
        #expect(delivery.body == (try TestEnvironment.example("innsyn_bruk.xml")))

        var status = try hubd.command(["status", messageId])
        for _ in 0..<50 where !status.output.contains("  sent") {
            try await Task.sleep(for: .milliseconds(100))
            status = try hubd.command(["status", messageId])
        }
        #expect(status.status == 0)
        let accepted = try #require(status.output.range(of: "  accepted"))
        let sentLine = try #require(status.output.range(of: "  sent"))
        #expect(accepted.lowerBound < sentLine.lowerBound)

        #expect(hubd.terminate() == 0)
        #expect(hubd.log.contains("hubd exited cleanly"))
    }

    /// A number past what hubd can use is refused where the configuration is read, naming the
    /// setting and its range, instead of overflowing later and stopping hubd.
    @Test func numbersOutOfRangeAreRefusedWhenTheConfigurationLoads() throws {
        let parties = try TestParties()
        for (name, value) in [("HUBD_BATCH_SIZE", "9223372036854775807"), ("HUBD_HTTP_REQUEST_TIMEOUT_SECONDS", "inf"),
                              ("HUBD_RETRY_INITIAL_SECONDS", "1e16"), ("HUBD_PREFETCH", "0"), ("HUBD_MAX_MESSAGE_BYTES", "nan")] {
            let refused = try HubdProcess(parties: parties, overrides: [name: value]).command(["dead", "list"])
            #expect(refused.status == 1, "\(name)=\(value): \(refused.error)")
            #expect(refused.error.contains(name) && refused.error.contains("must be a number from"), "\(refused.error)")
        }
    }

    @Test func registryShowAndImportErrors() throws {
        let parties = try TestParties()
        let hubd = try HubdProcess(parties: parties)
        let imported = try hubd.command(["registry", "import", hubd.environment["HUBD_REGISTRY"] ?? ""])
        #expect(imported.status == 0)
        #expect(imported.output.contains("imported 10 parties"))

        let shown = try hubd.command(["registry", "show", "10037008"])
        #expect(shown.status == 0)
        #expect(shown.output.contains("Kvalitetsregister B"))
        #expect(shown.output.contains("E_SB_ASYNC:     \(parties.prefix)_10037007_async (inherited)"))
        #expect(shown.output.contains("can receive:    yes"))

        let unknown = try hubd.command(["registry", "show", "12345"])
        #expect(unknown.status == 1)
        #expect(unknown.error == "hubd: HER-id 12345 is not in the registry\n")

        let bad = hubd.directory.appendingPathComponent("bad.json")
        try Data(#"[{"HerId": 1}, {"HerId": 1}]"#.utf8).write(to: bad)
        let refused = try hubd.command(["registry", "import", bad.path])
        #expect(refused.status == 1)
        #expect(refused.error.contains("element 1: duplicate HerId 1"))
        // The previous registry stays in force.
        #expect(try hubd.command(["registry", "show", "10037008"]).status == 0)
    }

    @Test func registryImportTakesARsV1JSON() throws {
        let hubd = try HubdProcess(parties: try TestParties())
        let file = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/examples/registry-v1.json").path
        let imported = try hubd.command(["registry", "import", file])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output == "imported 10 parties from \(file)\n")

        let register = try hubd.command(["registry", "show", "10037004"])
        #expect(register.output.contains("E_SB_ASYNC:     10037004_async\n"))
        #expect(register.output.contains("parent:         10037003 (Eksempel helseforetak HF)"))
        #expect(register.output.contains("valid:          2019-12-31T23:00:00.000Z to -"))
        #expect(register.output.contains("can receive:    yes"))
        #expect(register.output.contains("source:         file import of \(file), "))
        // amqpTransportStatus Inherited: the parent's queues.
        let inheriting = try hubd.command(["registry", "show", "10037008"])
        #expect(inheriting.output.contains("E_SB_ASYNC:     10037007_async (inherited)"))
        #expect(inheriting.output.contains("can receive:    yes"))
        // Disabled: no AMQP; past validTo: not active.
        #expect(try hubd.command(["registry", "show", "10037010"]).output.contains("can receive:    no"))
        #expect(try hubd.command(["registry", "show", "10037009"]).output.contains("active:         no"))

        let mixed = hubd.directory.appendingPathComponent("mixed.json")
        try Data(#"[{"herId": 1, "amqpTransportStatus": "Disabled"}, {"HerId": 2}]"#.utf8).write(to: mixed)
        let refused = try hubd.command(["registry", "import", mixed.path])
        #expect(refused.status == 1)
        #expect(refused.error == "hubd: \(mixed.path): element 1: in the legacy registry format, but the file is in AR's CommunicationParty v1 format (its first element's)\n")
    }

    @Test func badUsageExitsWithTwoAndUnknownMessageWithOne() throws {
        let hubd = try HubdProcess(parties: try TestParties())
        #expect(try hubd.command(["status"]).status == 2)
        #expect(try hubd.command(["registry", "show", "not-a-number"]).status == 2)
        #expect(try hubd.command(["no-such-command"]).status == 2)
        // A lifetime past a year would overflow the token's `exp`: refused as bad usage.
        let forever = try hubd.command(["auth", "token", "--her-id", "10037002", "--lifetime-seconds", "9223372036854775807"])
        #expect(forever.status == 2 && forever.error.contains("--lifetime-seconds must be from 1 to"), "\(forever.error)")
        let unknown = try hubd.command(["status", "no-such-message"])
        #expect(unknown.status == 1)
        #expect(unknown.error == "hubd: no message with id no-such-message\n")
        let empty = try hubd.command(["dead", "list"])
        #expect(empty.status == 0)
        #expect(empty.output.hasPrefix("id\tmessage_id\tfrom\tto\tfunction\ttime\treason"))
    }

    @Test func deadLettersAreListedAndReplayed() async throws {
        let parties = try TestParties()
        let hubd = try HubdProcess(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()

        // From a sender the registry does not know: a dead letter.
        let body = try TestEnvironment.example("innsyn_bruk.xml")
        let messageId = try #require(try await probe.submit(
            to: parties.submitQueue, body: body, headers: BrokerProbe.headers(from: 10_037_099, to: TestParties.register)))
        _ = try await probe.next(from: parties.deadQueue)
        let listed = try hubd.command(["dead", "list"])
        let line = try #require(listed.output.split(separator: "\n").dropFirst().first.map(String.init))
        let columns = line.split(separator: "\t").map(String.init)
        #expect(columns.count == 7)
        #expect(Array(columns.prefix(5)) == ["1", messageId, "10037099", "10037004", "DIALOG_INNBYGGER_HREG_INNSYN_BRUK"])
        #expect(columns.last == "sender 10037099 is not in the registry")

        // Replayed, it is checked again: still unknown, so a new dead letter, and the old one is gone.
        let replayed = try hubd.command(["dead", "replay", "1"])
        #expect(replayed.status == 0)
        #expect(replayed.output == "1\tresubmitted\t\(messageId)\n")
        let again = try await probe.next(from: parties.deadQueue)
        #expect(again.properties.messageId == messageId)
        #expect(again.body == body)
        let relisted = try hubd.command(["dead", "list"])
        #expect(relisted.output.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").first.map(String.init) } == ["2"])

        let twice = try hubd.command(["dead", "replay", "1"])
        #expect(twice.status == 1)
        #expect(twice.error == "hubd: dead letter 1 was already replayed\n")
        #expect(try hubd.command(["dead", "replay"]).status == 2)

        // By the message_id a user has at hand: dead letter 2 is that message's only one left.
        let byMessageId = try hubd.command(["dead", "replay", messageId])
        #expect(byMessageId.status == 0, "\(byMessageId.error)")
        #expect(byMessageId.output == "2\tresubmitted\t\(messageId)\n")
        _ = try await probe.next(from: parties.deadQueue)
        let unknown = try hubd.command(["dead", "replay", "no-such-message"])
        #expect(unknown.status == 1)
        #expect(unknown.error.hasPrefix("hubd: no dead letter with id no-such-message"))
        #expect(hubd.terminate() == 0)
    }

    /// Several dead letters of one message (expired, replayed, expired again are two; here two
    /// transmissions from an unknown sender with the same message_id are made two dead letters
    /// by replaying the first): replaying by message_id replays all and says so.
    @Test func replayByMessageIdReplaysEveryDeadLetterOfTheMessage() async throws {
        let parties = try TestParties()
        let hubd = try HubdProcess(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let body = try TestEnvironment.example("innsyn_bruk.xml")
        let messageId = UUID().uuidString.lowercased()
        // Two senders the registry does not know, one message_id: two dead letters of that message.
        for sender in [10_037_098, 10_037_099] {
            try await probe.submit(
                to: parties.submitQueue, body: body, messageId: messageId,
                headers: BrokerProbe.headers(from: sender, to: TestParties.register))
            _ = try await probe.next(from: parties.deadQueue)
        }
        let replayed = try hubd.command(["dead", "replay", messageId])
        #expect(replayed.status == 0, "\(replayed.error)")
        #expect(replayed.output == """
            message \(messageId) has 2 dead letters; replaying all of them
            1\tresubmitted\t\(messageId)
            2\tresubmitted\t\(messageId)

            """)
        #expect(hubd.terminate() == 0)
    }
}
