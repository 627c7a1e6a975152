import AMQPBridge
import Foundation
import Hub
import Testing

/// Conversations through a real hub on the real broker (dialogs contract §2): a request and its
/// answer, and a request left unanswered past its deadline on a clock the test moves.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ConversationTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 24 * 3600

    static func fromPortal() -> [String: String] { BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register) }
    static func fromRegister() -> [String: String] { BrokerProbe.headers(from: TestParties.register, to: TestParties.helsenorge) }

    static func conversations(_ hub: InProcessHub, _ state: ConversationState? = nil) async throws -> [Conversation] {
        try await hub.store.conversations(involving: nil, state: state)
    }

    @Test func aRequestAndItsAnswerFormOneAnsweredConversation() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties, clock: ManualClock(Self.start))
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let msgId = "request-\(UUID().uuidString)"

        let request = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestDialogs.request(msgId: msgId), headers: Self.fromPortal()))
        try await hub.waitFor(.sent, of: request)
        let opened = try await Self.conversations(hub)
        #expect(opened.count == 1)
        #expect(opened.first?.state == .open)
        #expect(opened.first?.conversationId == msgId)
        #expect(opened.first?.requestMessageId == request)
        #expect(opened.first?.deadline == Self.start.addingTimeInterval(30 * Self.day))

        // The register's AppRec is a receipt, not an answer.
        let receipt = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestDialogs.appRecOK(about: msgId), headers: Self.fromRegister()))
        try await hub.waitFor(.sent, of: receipt)
        #expect(try await hub.waitFor(.acknowledged, of: request).contains(.acknowledged))
        #expect(try await Self.conversations(hub).map(\.state) == [.open])

        let answer = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestDialogs.answer(to: msgId, msgId: "answer-\(UUID().uuidString)"),
            headers: Self.fromRegister()))
        try await hub.waitFor(.sent, of: answer)
        // One conversation, answered; the answer (a register dialog too) opened none.
        let answered = try await Self.conversations(hub)
        #expect(answered.count == 1)
        #expect(answered.first?.state == .answered)
        #expect(answered.first?.answerMessageId == answer)
        #expect(try await hub.store.notifications(for: [TestParties.helsenorge, TestParties.register], after: 0, limit: 10).isEmpty)
        try await hub.stop()
    }

    @Test func anUnansweredRequestIsOverdueOnceListedByHubdThenAnsweredLate() async throws {
        let parties = try TestParties()
        // hubd's commands read the store of the hub running here: same directory, same file.
        let hubd = try HubdProcess(parties: parties)
        let clock = ManualClock(Self.start)
        let hub = try await InProcessHub(parties: parties, directory: hubd.directory, clock: clock) {
            // The messages outlive the test's months, so that `hubd status` still finds them.
            $0.messageRetention = 10 * 365 * Self.day
        }
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let msgId = "late-\(UUID().uuidString)"
        let request = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestDialogs.request(msgId: msgId), headers: Self.fromPortal()))
        try await hub.waitFor(.sent, of: request)

        clock.advance(by: 30 * Self.day + 1)
        #expect(try await eventually { try await Self.conversations(hub, .overdue).count == 1 })
        func overdueNotices() async throws -> [HubNotification] {
            try await hub.store.notifications(for: [TestParties.helsenorge, TestParties.register], after: 0, limit: 100)
                .filter { $0.type == .conversationOverdue && $0.relatedMessageId == request }
        }
        #expect(try await overdueNotices().map(\.receiverHerId).sorted() == [TestParties.helsenorge, TestParties.register])

        // Another month on, a second request falls overdue: proof that the check ran again, and
        // the first is not reported twice.
        let second = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestDialogs.request(msgId: "second-\(UUID().uuidString)"), headers: Self.fromPortal()))
        try await hub.waitFor(.sent, of: second)
        clock.advance(by: 30 * Self.day + 1)
        #expect(try await eventually { try await Self.conversations(hub, .overdue).count == 2 })
        #expect(try await overdueNotices().count == 2)

        let listed = try hubd.command(["conversations", "--state", "overdue"])
        #expect(listed.status == 0, "\(listed.error)")
        let lines = listed.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "message_id\tMsgId\tfrom -> to\tfunction\topened\tdeadline\tstate\tanswer")
        #expect(lines.dropFirst().map { $0.split(separator: "\t").first.map(String.init) } == [request, second])
        #expect(lines.dropFirst().first?.split(separator: "\t").map(String.init) == [
            request, msgId, "10037002 -> 10037004", "DIALOG_INNBYGGER_HREG_INNSYN_BRUK",
            Timestamp.format(Self.start), Timestamp.format(Self.start.addingTimeInterval(30 * Self.day)), "overdue", "-",
        ])
        #expect(try hubd.command(["conversations", "--party", "10037004", "--state", "answered"]).output == "no conversations\n")
        #expect(try hubd.command(["conversations", "--state", "late"]).status == 2)
        let status = try hubd.command(["status", request])
        #expect(status.output.contains("conversation: \(msgId) (this is its request)\n  state:      overdue\n"), "\(status.output)")

        let answer = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestDialogs.answer(to: msgId, msgId: "answer-\(UUID().uuidString)"),
            headers: Self.fromRegister()))
        try await hub.waitFor(.sent, of: answer)
        let late = try await Self.conversations(hub).first { $0.requestMessageId == request }
        #expect(late?.state == .answeredLate)
        #expect(late?.answerMessageId == answer)
        #expect(try hubd.command(["conversations", "--party", "10037002", "--state", "answered-late"]).output.contains(request))
        #expect(try hubd.command(["status", answer]).output.contains("conversation: \(msgId) (this is its answer)\n  state:      answered-late\n"))
        #expect(try await overdueNotices().count == 2)
        try await hub.stop()
    }

    /// The real hubd with a deadline of a second: the request falls overdue by itself, `hubd
    /// conversations` lists it, and the log has its one warning, without patient data.
    @Test func aShortConfiguredDeadlineMakesARequestOverdueInTheRunningHubd() async throws {
        let parties = try TestParties()
        let hubd = try HubdProcess(parties: parties, overrides: [
            "HUBD_ANSWER_DEADLINE_SECONDS": "1", "HUBD_ANSWER_CHECK_SECONDS": "0.2", "HUBD_LOG_LEVEL": "debug",
        ])
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let msgId = "short-\(UUID().uuidString)"
        let request = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestDialogs.request(msgId: msgId), headers: Self.fromPortal()))
        _ = try await probe.next(from: parties.asyncQueue(TestParties.register))
        let listed = try await eventually {
            try hubd.command(["conversations", "--state", "overdue"]).output.contains(request)
        }
        #expect(listed, "\(hubd.log)")
        #expect(hubd.terminate() == 0)
        let warnings = hubd.log.split(separator: "\n").filter { $0.contains("conversation overdue") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains(request) == true)
        #expect(!hubd.log.contains(TestDialogs.patient))
    }
}
