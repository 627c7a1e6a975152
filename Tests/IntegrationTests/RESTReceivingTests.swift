import AMQPBridge
import AsyncHTTPClient
import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird
import NIOCore
import RESTBridge
import Synchronization
import Testing

/// Receiving over REST: the Api inbox with gateway mode, AppRecs built by hubd, notifications
/// polled and streamed, webhooks, and the operations endpoints.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RESTReceivingTests {
    /// A hubd that stops on an error (here: its REST port is taken) exits 1 after shutting down
    /// in order, so that systemd's `Restart=on-failure` starts it again; it exited 0.
    @Test func aServeThatStopsOnAnErrorExitsOne() async throws {
        let parties = try TestParties()
        let first = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await first.start()
        let second = try await RESTHubd(parties: parties, overrides: ["HUBD_HTTP_ADDRESS": "127.0.0.1:\(first.port)"])
        try await second.process.start()
        #expect(await eventually(timeout: .seconds(30)) { !second.process.isRunning }, "\(second.process.log.suffix(2000))")
        #expect(second.process.terminate() == 1, "\(second.process.log.suffix(2000))")
        #expect(second.process.log.contains("hubd stopped on an error"))
        #expect(first.process.terminate() == 0)

        // A configuration refused during set-up (an API without token issuer) is exit 1 with the
        // reason, not a crash of the HTTP client it leaves behind.
        let unconfigured = try HubdProcess(parties: parties, overrides: ["HUBD_HTTP_ADDRESS": "127.0.0.1:\(try RESTHubd.freePort())"])
        try await unconfigured.start()
        #expect(await eventually(timeout: .seconds(30)) { !unconfigured.isRunning })
        #expect(unconfigured.terminate() == 1, "\(unconfigured.log.suffix(2000))")
        #expect(unconfigured.log.contains("hubd: ") && !unconfigured.log.contains("Program crashed"), "\(unconfigured.log.suffix(2000))")
    }

    /// Registry contract: "a party with no `E_SB_ASYNC` and no REST delivery configured cannot
    /// receive". One with a REST channel can: its messages wait in its inbox.
    @Test func aPartyWithoutQueuesReceivesOverItsRESTChannel() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let receiver = TestParties.withoutQueues
        let token = try await hubd.token([receiver])
        let configured = try await hubd.request("PUT", "/mshconfigurations", json: ["configurations": [
            ["herId": receiver, "receiveNotificationChannel": "Api"],
        ]], token: token)
        #expect(configured.status == 204, "\(configured.text)")
        let body = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<Id>\(TestParties.register)</Id>", with: "<Id>\(receiver)</Id>")
        let messageId = try #require(try await probe.submit(
            to: parties.submitQueue, body: Array(body.utf8),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: receiver)))
        #expect(try await eventually(timeout: .seconds(20)) {
            let answer = try await hubd.request("GET", "/notifications?HerIds=\(receiver)&Offset=0", token: token)
            let notifications = answer.json["notifications"] as? [[String: Any]] ?? []
            return notifications.contains { $0["relatedMessageId"] as? String == messageId && $0["type"] as? String == "NewMessage" }
        })
        #expect(await probe.count(parties.errorQueue(TestParties.helsenorge)) == 0)
    }

    @Test func apiPartyReceivesDownloadsAndAnswersWithAnAppRec() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let register = try await hubd.token([TestParties.register])
        // Sent to the register's queue while it still receives over AMQP, and not read there.
        let template = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
        let early = try await probe.submitExample(template, tag: "early", to: parties.submitQueue)
        #expect(await eventually { await probe.count(parties.asyncQueue(TestParties.register)) == 1 })
        let configured = try await hubd.request("PUT", "/mshconfigurations", json: ["configurations": [
            ["herId": TestParties.register, "receiveNotificationChannel": "Api"],
        ]], token: register)
        #expect(configured.status == 204)
        let shown = try await hubd.request("GET", "/mshconfigurations?HerIds=\(TestParties.register)", token: register)
        #expect((shown.json["configurations"] as? [[String: Any]])?.first?["receiveNotificationChannel"] as? String == "Api")

        // AMQP submit through the submission queue, to an Api party.
        let messageId = try await probe.submitExample(template, tag: "api", to: parties.submitQueue)
        var notifications: [[String: Any]] = []
        #expect(try await eventually {
            notifications = (try await hubd.request("GET", "/notifications?HerIds=\(TestParties.register)&Offset=0", token: register)
                .json["notifications"] as? [[String: Any]]) ?? []
            return notifications.contains { $0["relatedMessageId"] as? String == messageId }
                && notifications.contains { $0["relatedMessageId"] as? String == early }
        })
        // The early one came back from the register's queue (gateway mode) into its inbox.
        #expect(await eventually { await probe.count(parties.asyncQueue(TestParties.register)) == 0 })
        let first = try #require(notifications.first { $0["relatedMessageId"] as? String == messageId })
        #expect(first["type"] as? String == "NewMessage")
        #expect(first["relatedMessageId"] as? String == messageId)
        let firstOffset = try #require(first["offset"] as? Int)
        // A stream from offset 0: the backlog (this NewMessage), then what arrives live.
        let streamed = Task { try await hubd.stream(
            "/notifications/stream?HerIds=\(TestParties.register)&Offset=0", token: register, for: .seconds(8)) }

        let document = try await hubd.request("GET", "/messages/\(messageId)/business-document", token: register)
        #expect((document.json["businessDocument"] as? String).flatMap { Data(base64Encoded: $0) }?.isEmpty == false)
        #expect(try await hubd.request("PUT", "/messages/\(messageId)/downloaded",
                                       json: ["receiverHerId": TestParties.register], token: register).status == 204)
        #expect(try await hubd.request("PUT", "/messages/\(messageId)/downloaded",
                                       json: ["receiverHerId": TestParties.register], token: register).status == 204)
        let status = try await hubd.request("GET", "/messages/\(messageId)/status", token: register)
        #expect((status.json["history"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["accepted", "delivered"])
        #expect((status.json["statusList"] as? [[String: Any]])?.first?["transportDeliveryState"] as? String == "Acknowledged")

        // Gateway mode: a sender publishes straight to the Api party's own queue.
        let direct = template.replacingOccurrences(of: "<MsgId>", with: "<MsgId>direct-")
        let directId = UUID().uuidString.lowercased()
        try await probe.submit(to: parties.asyncQueue(TestParties.register), body: Array(direct.utf8), messageId: directId,
                               headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register))
        #expect(try await eventually {
            let later = (try await hubd.request("GET", "/notifications?HerIds=\(TestParties.register)&Offset=\(firstOffset)", token: register)
                .json["notifications"] as? [[String: Any]]) ?? []
            return later.contains { $0["relatedMessageId"] as? String == directId && ($0["offset"] as? Int ?? 0) > firstOffset }
        })
        // A bad one on that queue is answered on the sender's error queue.
        try await probe.submit(to: parties.asyncQueue(TestParties.register), body: Array("<broken".utf8),
                               headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register),
                               type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")
        let refusal = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(refusal.properties.headers[HeaderName.errorCondition] == .string("transport:not-well-formed-xml"))

        // The register answers with an AppRec that hubd builds; it reaches the sender's queue.
        let answered = try await hubd.request("POST", "/messages/\(messageId)/apprec", json: [
            "appRecSenderHerId": TestParties.register, "appRecStatus": "Rejected",
            "appRecErrorList": [["errorCode": "E35", "description": "Pasienten 19826606056 finnes ikke"]],
        ], token: register)
        #expect(answered.status == 202, "\(answered.text)")
        #expect(try await hubd.request("POST", "/messages/\(messageId)/apprec", json: [
            "appRecSenderHerId": TestParties.register, "appRecStatus": "Rejected",
        ], token: register).status == 400)
        let appRec = try await probe.next(from: parties.asyncQueue(TestParties.helsenorge))
        let parsed = try DialogParser(maxBytes: 1 << 20).parse(appRec.body)
        #expect(parsed.validate(with: try DialogSchemas.loadBundled()) == nil)
        guard case .appRec(let info)? = parsed.message else { throw TestFailure("not an AppRec") }
        #expect(info.status == .rejected)
        #expect(info.receiver.effective == TestParties.helsenorge)
        let helsenorge = try await hubd.token([TestParties.helsenorge])
        #expect(try await eventually {
            let answer = try await hubd.request("GET", "/messages/\(messageId)/status", token: helsenorge)
            let info = (answer.json["statusList"] as? [[String: Any]])?.first?["apprecInfo"] as? [String: Any]
            return info?["appRecStatus"] as? String == "Rejected"
                && (answer.json["history"] as? [[String: Any]])?.last?["status"] as? String == "rejected"
        })
        // The receiver's error text is shown with the national identity number in it masked.
        let statusShown = try await hubd.request("GET", "/messages/\(messageId)/status", token: helsenorge)
        let errors = ((statusShown.json["statusList"] as? [[String: Any]])?.first?["apprecInfo"] as? [String: Any])?["appRecErrorList"] as? [[String: Any]]
        #expect(errors?.first?["description"] as? String == "Pasienten *********** finnes ikke", "\(statusShown.text)")
        #expect(errors?.first?["errorCode"] as? String == "E35")

        // The stream delivered the backlog and then what arrived while it was open, in offset order.
        let events = try await streamed.value
        let ids = events.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
        #expect(events.hasPrefix("event: connected"))
        #expect(ids.contains(firstOffset))
        #expect(ids == ids.sorted() && ids.count >= 2)
        // And a new stream replays the backlog after an offset.
        let replay = try await hubd.stream(
            "/notifications/stream?HerIds=\(TestParties.register)", token: register,
            headers: ["Last-Event-ID": String(firstOffset)], for: .seconds(1))
        #expect(replay.contains("event: notification"))
        #expect(!replay.contains("id: \(firstOffset)\n"))
    }

    @Test func webhookIsRetriedSignedAndItsRefusalReachesTheSender() async throws {
        let parties = try TestParties()
        let hook = try await WebhookReceiver.start(answers: [503, 503, 200, 400])
        defer { hook.stop() }
        let hubd = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let register = try await hubd.token([TestParties.register])
        let secret = "a-secret-of-enough-length"
        // A party the token does not hold is 403 whatever else is wrong in the body.
        let notHeld = try await hubd.request("PUT", "/mshconfigurations", json: ["configurations": [
            ["herId": TestParties.helsenorge, "receiveNotificationChannel": "Pigeon"],
        ]], token: register)
        #expect(notHeld.status == 403, "\(notHeld.text)")
        #expect(try await hubd.request("PUT", "/mshconfigurations", json: ["configurations": [
            ["herId": TestParties.register, "receiveNotificationChannel": "Webhook", "webhook": ["url": hook.url, "secret": secret]],
        ]], token: register).status == 204)

        let template = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
        let accepted = try await probe.submitExample(template, tag: "hook1", to: parties.submitQueue)
        #expect(await eventually(timeout: .seconds(30)) { hook.calls.count >= 3 })
        let calls = hook.calls
        #expect(calls.prefix(3).allSatisfy { $0.idempotencyKey == accepted })
        let delivered = calls[2]
        #expect(WebhookSignature.verify(header: delivered.signature, secret: secret, body: delivered.body, now: Int(Date().timeIntervalSince1970)))
        let json = (try JSONSerialization.jsonObject(with: Data(delivered.body))) as? [String: Any]
        #expect(json?["id"] as? String == accepted)
        #expect((json?["businessDocument"] as? String).flatMap { Data(base64Encoded: $0) } != nil)

        // The next one is refused with a 400: rejected, and the AMQP sender gets an error message.
        let refused = try await probe.submitExample(template, tag: "hook2", to: parties.submitQueue)
        let notice = try await probe.next(from: parties.errorQueue(TestParties.helsenorge), timeout: .seconds(30))
        #expect(notice.properties.headers[HeaderName.errorCondition] == .string("transport:rejected-by-receiver"))
        #expect(notice.properties.headers[HeaderName.originalMessageId] == .string(refused))
        #expect(hook.calls.filter { $0.idempotencyKey == accepted }.count == 3)
        let store = try SQLiteStore(path: hubd.process.database)
        #expect(try await store.storedMessages(messageId: accepted).first?.history.map(\.status) == [.accepted, .sent])
        #expect(try await store.storedMessages(messageId: refused).first?.history.map(\.status) == [.accepted, .rejected])
    }

    @Test func operationsEndpointsAndLimits() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties, overrides: [
            "HUBD_MAX_MESSAGE_BYTES": String(16 * 1024 * 1024), "HUBD_HTTP_REQUEST_TIMEOUT_SECONDS": "3",
        ])
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        #expect(try await hubd.request("GET", "/ping", token: nil).json["response"] as? String == "Pong")
        #expect(await eventually { (try? await hubd.request("GET", "/readyz", token: nil).status) == 200 })
        // Wire contract §1: hubd declares its dead-letter queue, before anything is dead-lettered.
        #expect(await eventually { await probe.exists(parties.deadQueue) })
        let openapi = try await hubd.request("GET", "/openapi.json", token: nil)
        #expect(openapi.json["openapi"] as? String == "3.1.0")
        #expect(try await hubd.request("GET", "/metrics", token: nil).status == 401)
        let token = try await hubd.token([TestParties.helsenorge])
        let metrics = try await hubd.request("GET", "/metrics", token: token)
        #expect(metrics.text.contains("hubd_store_bytes"))
        let wrongMethod = try await hubd.request("DELETE", "/messages", token: token)
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "POST")
        // Routing before authorisation, as NHN's API: a method a path does not have is 405 and a
        // path the API does not have 404, with a token or without; what a route serves needs one.
        let wrongMethodWithoutToken = try await hubd.request("DELETE", "/messages", token: nil)
        #expect(wrongMethodWithoutToken.status == 405 && wrongMethodWithoutToken.headers["allow"] == "POST")
        let getOnly = try await hubd.request("POST", "/messages/\(UUID().uuidString)/status", token: nil)
        #expect(getOnly.status == 405 && getOnly.headers["allow"] == "GET, HEAD")
        #expect(try await hubd.request("GET", "/no-such-path", token: nil).status == 404)
        #expect(try await hubd.request("GET", "/messages/\(UUID().uuidString)", token: nil).status == 401)
        #expect(try await hubd.request("HEAD", "/messages/\(UUID().uuidString)/status", token: nil).status == 401)
        #expect(try await hubd.request("GET", "/messages/\(UUID().uuidString)/status", token: token).status == 404)

        // 23 MB: refused with 413 before hubd reads it, declared or streamed, and the server stays healthy.
        let size = 23 * 1024 * 1024
        let url = hubd.base + "/messages"
        func head(_ framing: String) async throws -> String {
            "POST /messages HTTP/1.1\r\nHost: 127.0.0.1:\(hubd.port)\r\nAuthorization: DPoP \(token)\r\n"
                + "DPoP: \(try await hubd.key.proof(method: "POST", url: url, accessToken: token, now: Date()))\r\n"
                + "Content-Type: application/json\r\n\(framing)\r\n\r\n"
        }
        #expect(try hubd.rawStatusLine(head: try await head("Content-Length: \(size)"), bytes: 64 * 1024).hasPrefix("HTTP/1.1 413"))
        // Chunked: one chunk over the limit.
        let chunkHead = try await head("Transfer-Encoding: chunked") + String(size, radix: 16) + "\r\n"
        #expect(try hubd.rawStatusLine(head: chunkHead, bytes: 23 * 1024 * 1024).hasPrefix("HTTP/1.1 413"))
        // A body that stops arriving gets 408 at the request timeout, before the idle connection
        // is closed (5 s later).
        let clock = ContinuousClock()
        let stalledAt = clock.now
        #expect(try hubd.rawStatusLine(head: try await head("Content-Length: 100"), bytes: 10, timeout: 7).hasPrefix("HTTP/1.1 408"))
        #expect(clock.now - stalledAt >= .seconds(3))
        #expect(try await hubd.request("GET", "/healthz", token: nil).status == 200)
        let sent = try await hubd.send(try RESTAPITests.document(tag: "after-413"), from: TestParties.helsenorge, to: TestParties.register, token: token)
        #expect(sent.status == 202)
        let after = try await hubd.request("GET", "/metrics", token: token)
        // Every status's series is there from the start: the accepted one must have counted it.
        let accepted = after.text.split(separator: "\n").first { $0.hasPrefix(#"hubd_messages_total{status="accepted"} "#) }
        #expect(((accepted?.split(separator: " ").last).flatMap { Int($0) } ?? 0) >= 1, "\(accepted ?? "no accepted series")")
    }
}

/// A webhook endpoint on loopback that answers from a script and records every call.
final class WebhookReceiver: Sendable {
    struct Call: Sendable {
        var idempotencyKey: String?
        var signature: String
        var body: [UInt8]
    }

    private let state: Mutex<(answers: [Int], calls: [Call])>
    private let task: Mutex<Task<Void, any Error>?> = Mutex(nil)
    let url: String

    private init(answers: [Int], port: Int) {
        state = Mutex((answers, []))
        url = "http://127.0.0.1:\(port)/hook"
    }

    var calls: [Call] { state.withLock { $0.calls } }

    static func start(answers: [Int]) async throws -> WebhookReceiver {
        let port = try RESTHubd.freePort()
        let receiver = WebhookReceiver(answers: answers, port: port)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 32 * 1024 * 1024)
            let call = Call(
                idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                signature: request.headers[HTTPField.Name("hubd-signature")!] ?? "", body: Array(buffer: body))
            let status = receiver.state.withLock { state -> Int in
                state.calls.append(call)
                return state.answers.isEmpty ? 200 : state.answers.removeFirst()
            }
            return Response(status: .init(code: status))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        receiver.task.withLock { $0 = Task { try await app.run() } }
        _ = await eventually {
            (try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/ready"), timeout: .seconds(1))) != nil
        }
        return receiver
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
