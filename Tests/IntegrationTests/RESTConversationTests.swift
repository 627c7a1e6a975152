import Foundation
import Hub
import Testing

/// Conversations over the REST API of a real hubd: `GET /conversations` for the token's parties,
/// and the conversation in `GET /messages/{id}`.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RESTConversationTests {
    @Test func aRequestAndItsAnswerAreShownToTheirPartiesOnly() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let portal = try await hubd.token([TestParties.helsenorge])
        let register = try await hubd.token([TestParties.register])
        let msgId = "rest-\(UUID().uuidString)"

        let sent = try await hubd.send(TestDialogs.request(msgId: msgId), from: TestParties.helsenorge, to: TestParties.register, token: portal)
        #expect(sent.status == 202)
        let request = try #require(sent.json["id"] as? String)
        let message = try await hubd.request("GET", "/messages/\(request)", token: portal)
        let conversation = try #require(message.json["conversation"] as? [String: Any])
        #expect(conversation["conversationId"] as? String == msgId)
        #expect(conversation["requestMessageId"] as? String == request)
        #expect(conversation["function"] as? String == "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")
        #expect(conversation["senderHerId"] as? Int == TestParties.helsenorge)
        #expect(conversation["receiverHerId"] as? Int == TestParties.register)
        #expect(conversation["state"] as? String == "open")
        #expect(conversation["answerMessageId"] is NSNull)
        let opened = try #require((conversation["openedAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
        let deadline = try #require((conversation["deadline"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
        #expect(abs(deadline.timeIntervalSince(opened) - 30 * 24 * 3600) < 1)

        func listed(_ query: String, token: String) async throws -> [[String: Any]]? {
            let answer = try await hubd.request("GET", "/conversations?\(query)", token: token)
            guard answer.status == 200 else { return nil }
            return answer.json["conversations"] as? [[String: Any]]
        }
        #expect(try await listed("HerIds=\(TestParties.helsenorge)", token: portal)?.compactMap { $0["requestMessageId"] as? String } == [request])
        #expect(try await listed("HerIds=\(TestParties.register)&state=open", token: register)?.count == 1)
        #expect(try await listed("HerIds=\(TestParties.register)&state=answered", token: register)?.count == 0)
        // Only the token's parties: another party's HER-id is 403, a stranger sees none.
        #expect(try await hubd.request("GET", "/conversations?HerIds=\(TestParties.register)", token: portal).status == 403)
        let stranger = try await hubd.token([TestParties.proms])
        #expect(try await listed("HerIds=\(TestParties.proms)", token: stranger)?.count == 0)
        #expect(try await hubd.request("GET", "/conversations?HerIds=\(TestParties.register)&state=late", token: register).status == 400)
        #expect(try await hubd.request("GET", "/conversations", token: register).status == 400)

        // The register answers over REST too.
        let answered = try await hubd.send(
            TestDialogs.answer(to: msgId, msgId: "answer-\(UUID().uuidString)"), from: TestParties.register,
            to: TestParties.helsenorge, token: register)
        #expect(answered.status == 202)
        let answer = try #require(answered.json["id"] as? String)
        let shown = try await hubd.request("GET", "/messages/\(answer)", token: register)
        let answeredConversation = try #require(shown.json["conversation"] as? [String: Any])
        #expect(answeredConversation["state"] as? String == "answered")
        #expect(answeredConversation["answerMessageId"] as? String == answer)
        #expect(answeredConversation["requestMessageId"] as? String == request)
        let all = try #require(try await listed("HerIds=\(TestParties.helsenorge),\(TestParties.register)&state=answered", token: try await hubd.token([TestParties.helsenorge, TestParties.register])))
        #expect(all.count == 1)

        // A message in no conversation shows null.
        let receipt = try await hubd.send(try TestDialogs.appRecOK(about: msgId), from: TestParties.register, to: TestParties.helsenorge, token: register)
        let receiptId = try #require(receipt.json["id"] as? String)
        let shownReceipt = try await hubd.request("GET", "/messages/\(receiptId)", token: register)
        #expect(shownReceipt.json["conversation"] is NSNull)
        #expect(hubd.process.terminate() == 0)
    }
}
