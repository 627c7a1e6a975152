import AMQPBridge
import Foundation
import Hub
import RESTBridge
import Synchronization
import Testing

/// PROMs form orders through a real hubd: registers order over REST, hubd places the orders
/// at a double of the PROMs service over HTTP, the service calls back, and the register hears
/// of every new status by a notification and by its channel.
@Suite(.serialized, .timeLimit(.minutes(5))) struct PromsOrderTests {
    static let patient = "13897210066"
    static let unknownPatient = "01899010031"

    /// An order body; `expiryDate` a week from today.
    static func order(
        reference: String = "reg-\(UUID().uuidString.prefix(8))", nationalId: String = patient, formId: String = "PROM-HOS-1",
        register: Int = TestParties.register
    ) -> [String: Any] {
        [
            "registerHerId": register, "registerReference": reference, "formId": formId, "nationalId": nationalId,
            "expiryDate": Self.date(daysFromNow: 7), "distributionRule": "Basic",
            "metadata": ["study": "hip", "visit": 2],
        ]
    }

    static func date(daysFromNow days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Oslo") ?? .gmt
        let day = calendar.date(byAdding: .day, value: days, to: Date()) ?? Date()
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Every answer a test saw, to check that none of them carries the patient's number.
    final class Answers: Sendable {
        private let texts = Mutex<[String]>([])
        func keep(_ answer: RESTHubd.Answer) -> RESTHubd.Answer {
            texts.withLock { $0.append(answer.text) }
            return answer
        }
        var all: [String] { texts.withLock { $0 } }
    }

    static func order(_ hubd: RESTHubd, _ id: String, token: String) async throws -> [String: Any] {
        try await hubd.request("GET", "/proms/orders/\(id)", token: token).json
    }

    static func history(_ order: [String: Any]) -> [String] {
        (order["history"] as? [[String: Any]])?.compactMap { $0["status"] as? String } ?? []
    }

    static func promsNotifications(_ hubd: RESTHubd, register: Int = TestParties.register, token: String) async throws -> [[String: Any]] {
        let all = try await hubd.request("GET", "/notifications?HerIds=\(register)&Offset=0", token: token)
            .json["notifications"] as? [[String: Any]] ?? []
        return all.filter { $0["type"] as? String == "PromsOrderUpdated" }
    }

    @Test func anOrderIsRetriedPlacedAnsweredAndPushedToTheRegistersWebhook() async throws {
        let parties = try TestParties()
        let service = try await PromsServiceDouble.start()
        defer { service.stop() }
        service.failNext(2)
        let hook = try await WebhookReceiver.start(answers: [])
        defer { hook.stop() }
        let hubd = try await RESTHubd(parties: parties, overrides: RESTHubd.promsSettings(service))
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let register = try await hubd.token([TestParties.register])
        let seen = Answers()
        let secret = "a-secret-of-enough-length"
        #expect(try await hubd.request("PUT", "/mshconfigurations", json: ["configurations": [
            ["herId": TestParties.register, "receiveNotificationChannel": "Webhook", "webhook": ["url": hook.url, "secret": secret]],
        ]], token: register).status == 204)

        let placed = seen.keep(try await hubd.request("POST", "/proms/orders", json: Self.order(reference: "reg-42"), token: register))
        #expect(placed.status == 202, "\(placed.text)")
        let id = try #require(placed.json["id"] as? String)
        #expect(placed.headers["location"] == "/proms/orders/\(id)")

        // Down twice (503), then placed: three requests, one order, each with the same key.
        #expect(try await eventually { Self.history(try await Self.order(hubd, id, token: register)) == ["accepted", "ordered"] })
        let requests = service.requests
        #expect(requests.count == 3)
        #expect(service.ordersMade == 1)
        #expect(requests.allSatisfy { $0.idempotencyKey == id && $0.authorization == "Basic \(RESTHubd.promsAPIKey)" })
        let sent = try #require(requests.last?.json)
        #expect(sent["formId"] as? String == "PROM-HOS-1")
        #expect(sent["nationalId"] as? String == Self.patient)
        #expect(sent["expiryDate"] as? String == Self.date(daysFromNow: 7))
        #expect(sent["distributionRule"] as? Int == 0)
        #expect(sent["reminderDate"] is NSNull)
        #expect(sent["dontStoreCompletedFormInPha"] as? Bool == false && sent["mustBeSigned"] as? Bool == false
                && sent["testMode"] as? Bool == false)
        let metadata = try JSONSerialization.jsonObject(with: Data((sent["metadata"] as? String ?? "").utf8)) as? [String: Any]
        #expect(metadata?["hubdOrderId"] as? String == id)
        #expect((metadata?["registerMetadata"] as? [String: Any])?["study"] as? String == "hip")

        // The service reports the patient's answer.
        let formOrderId = try #require(service.formOrderId(forKey: id))
        let completed: [String: Any] = [
            "formOrderId": formOrderId, "formOrderStatus": "Completed", "formData": #"{"q1": 3, "q2": ["a", "b"]}"#,
            "signedFormId": NSNull(), "formDataWarnings": [["questionId": "q2", "warning": "unusual"]],
            "timestamp": "2026-12-03T10:15:02+01:00", "notificationChannel": "Helsenorge",
        ]
        let answered = try await service.callback(hubd, completed)
        #expect(answered.status == 200 && answered.success == true)
        let order = seen.keep(try await hubd.request("GET", "/proms/orders/\(id)", token: register)).json
        #expect(order["status"] as? String == "completed")
        #expect(Self.history(order) == ["accepted", "ordered", "completed"])
        #expect(order["formOrderId"] as? String == formOrderId)
        #expect(order["registerReference"] as? String == "reg-42")
        #expect(order["notificationChannel"] as? String == "Helsenorge")
        let answer = try #require(order["answer"] as? [String: Any])
        #expect((answer["formData"] as? [String: Any])?["q1"] as? Int == 3)
        #expect(answer["completedAt"] as? String == "2026-12-03T09:15:02.000Z")
        #expect(((answer["warnings"] as? [[String: Any]])?.first)?["questionId"] as? String == "q2")

        // Each status reached the register twice over: a notification, and a signed push.
        let notifications = try await Self.promsNotifications(hubd, token: register)
        #expect(notifications.map { $0["description"] as? String ?? "" } == ["PROMs order ordered", "PROMs order completed"])
        #expect(notifications.allSatisfy { $0["relatedMessageId"] as? String == id })
        #expect(await eventually { hook.calls.count == 2 })
        let calls = hook.calls
        for call in calls {
            #expect(WebhookSignature.verify(header: call.signature, secret: secret, body: call.body, now: Int(Date().timeIntervalSince1970)))
            #expect(!String(decoding: call.body, as: UTF8.self).contains(Self.patient))
        }
        let pushed = calls.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any] }
        #expect(pushed.map { $0["status"] as? String ?? "" } == ["ordered", "completed"])
        #expect(pushed.allSatisfy { $0["id"] as? String == id })
        #expect(Set(calls.compactMap(\.idempotencyKey)).count == 2)

        // Repeats change nothing: the history keeps each status once, and nobody is told again.
        for repeated in [completed, ["formOrderId": formOrderId, "formOrderStatus": "Ordered"],
                         ["formOrderId": formOrderId, "formOrderStatus": "Expired"]] {
            let again = try await service.callback(hubd, repeated)
            #expect(again.status == 200 && again.success == true)
        }
        #expect(Self.history(try await Self.order(hubd, id, token: register)) == ["accepted", "ordered", "completed"])
        #expect(try await Self.promsNotifications(hubd, token: register).count == 2)
        #expect(try await SQLiteStore(path: hubd.process.database).pendingCount() == 0)
        #expect(hook.calls.count == 2)
        #expect(!seen.all.contains { $0.contains(Self.patient) })
    }

    @Test func anAmqpRegisterGetsEachUpdateOnItsQueueEvenOutOfOrder() async throws {
        let parties = try TestParties()
        let service = try await PromsServiceDouble.start()
        defer { service.stop() }
        let hubd = try await RESTHubd(parties: parties, overrides: RESTHubd.promsSettings(service))
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let register = try await hubd.token([TestParties.register])
        let placed = try await hubd.request("POST", "/proms/orders", json: Self.order(), token: register)
        let id = try #require(placed.json["id"] as? String)
        let queue = parties.asyncQueue(TestParties.register)

        let first = try await probe.next(from: queue)
        #expect(first.properties.contentType == "application/json")
        #expect(first.properties.type == "PROMS_ORDER_UPDATE")
        #expect(first.properties.headers[HeaderName.promsOrderId] == .string(id))
        let body = try JSONSerialization.jsonObject(with: Data(first.body)) as? [String: Any]
        #expect(body?["id"] as? String == id && body?["status"] as? String == "ordered")
        #expect(body?["formOrderId"] as? String == service.formOrderId(forKey: id))
        #expect(!String(decoding: first.body, as: UTF8.self).contains(Self.patient))

        // The service's Completed overtakes its Ordered: completed is final, the late Ordered is
        // taken and changes nothing.
        let formOrderId = try #require(service.formOrderId(forKey: id))
        #expect(try await service.callback(hubd, [
            "formOrderId": formOrderId.uppercased(), "formOrderStatus": "Completed", "formData": #"{"q1": 1}"#,
            "timestamp": "2026-12-03T10:15:02Z",
        ]).success == true)
        #expect(try await service.callback(hubd, [
            "formOrderId": formOrderId, "formOrderStatus": "Ordered", "notificationChannel": "DigitalMailbox",
            "timestamp": "2026-12-03T09:00:00Z",
        ]).success == true)
        let second = try await probe.next(from: queue)
        let update = try JSONSerialization.jsonObject(with: Data(second.body)) as? [String: Any]
        #expect(update?["status"] as? String == "completed")
        #expect(second.properties.messageId != first.properties.messageId)
        #expect(Self.history(try await Self.order(hubd, id, token: register)) == ["accepted", "ordered", "completed"])
        // Nothing else is on its way: the outbox is empty, and the queue too.
        #expect(try await SQLiteStore(path: hubd.process.database).pendingCount() == 0)
        #expect(await probe.count(queue) == 0)
        #expect(try await Self.promsNotifications(hubd, token: register).count == 2)
    }

    @Test func badOrdersFailuresAndCallbacksAreAnsweredAsTheContractSays() async throws {
        let parties = try TestParties()
        let service = try await PromsServiceDouble.start()
        defer { service.stop() }
        service.unknownPatient(Self.unknownPatient)
        let hubd = try await RESTHubd(parties: parties, overrides: RESTHubd.promsSettings(service))
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let register = try await hubd.token([TestParties.register])
        let seen = Answers()
        func post(_ body: [String: Any], token: String? = nil) async throws -> RESTHubd.Answer {
            seen.keep(try await hubd.request("POST", "/proms/orders", json: body, token: token ?? register))
        }

        // A patient the service does not know: failed, and the register is told why.
        let unknown = try await post(Self.order(nationalId: Self.unknownPatient))
        let failedId = try #require(unknown.json["id"] as? String)
        #expect(try await eventually { Self.history(try await Self.order(hubd, failedId, token: register)) == ["accepted", "failed"] })
        let failed = seen.keep(try await hubd.request("GET", "/proms/orders/\(failedId)", token: register)).json
        #expect(failed["status"] as? String == "failed")
        #expect(((failed["history"] as? [[String: Any]])?.last?["detail"] as? String)?.contains("does not know the patient") == true)
        #expect(failed["formOrderId"] is NSNull)

        // Bad input: 400 problems that name the field, never the value.
        var missing = Self.order()
        missing["formId"] = nil
        var wrongType = Self.order()
        wrongType["registerHerId"] = "10037004"
        var past = Self.order()
        past["expiryDate"] = Self.date(daysFromNow: -1)
        var rule = Self.order()
        rule["distributionRule"] = "Carrier pigeon"
        let bad: [([String: Any], String)] = [
            (missing, "formId is missing"),
            (wrongType, "registerHerId has the wrong type"),
            (Self.order(nationalId: "13897210067"), "nationalId is not a national identity number"),
            (Self.order(nationalId: "1389721006"), "nationalId is not a national identity number"),
            (past, "expiryDate is in the past"),
            (rule, "distributionRule must be one of"),
            (Self.order(reference: "patient \(Self.patient)"), "registerReference must not hold a national identity number"),
        ]
        for (body, detail) in bad {
            let answer = try await post(body)
            #expect(answer.status == 400, "\(detail)")
            #expect(answer.headers["content-type"] == "application/problem+json")
            #expect((answer.json["detail"] as? String)?.contains(detail) == true, "\(answer.text)")
        }
        #expect(try await hubd.request("POST", "/proms/orders", token: register, headers: ["Content-Type": "application/json"],
                                       body: Data("{not json".utf8)).status == 400)

        // Acting for another party, or for none.
        let portal = try await hubd.token([TestParties.helsenorge])
        #expect(try await post(Self.order(), token: portal).status == 403)
        #expect(try await hubd.request("POST", "/proms/orders", json: Self.order(), token: nil).status == 401)

        // Idempotent on (registerHerId, registerReference).
        let first = try await post(Self.order(reference: "reg-same"))
        #expect(first.status == 202)
        let again = try await post(Self.order(reference: "reg-same"))
        #expect(again.status == 202 && again.json["id"] as? String == first.json["id"] as? String)
        let other = try await post(Self.order(reference: "reg-same", formId: "PROM-KNE-2"))
        #expect(other.status == 409)
        #expect(other.headers["content-type"] == "application/problem+json")

        // Another party's order is not there for it; nor is an order that does not exist.
        let id = try #require(first.json["id"] as? String)
        let stranger = try await hubd.token([TestParties.proms])
        #expect(seen.keep(try await hubd.request("GET", "/proms/orders/\(id)", token: stranger)).status == 404)
        #expect(try await hubd.request("GET", "/proms/orders/\(UUID().uuidString.lowercased())", token: register).status == 404)
        #expect(seen.keep(try await hubd.request("GET", "/proms/orders/\(id)", token: register)).status == 200)

        // The service's callbacks: a wrong or missing key is 401, an unknown order 404, both {success: false}.
        #expect(await eventually { service.formOrderId(forKey: id) != nil })
        let formOrderId = try #require(service.formOrderId(forKey: id))
        let wrongKey = try await service.callback(hubd, apiKey: "not-the-key", ["formOrderId": formOrderId, "formOrderStatus": "Expired"])
        #expect(wrongKey.status == 401 && wrongKey.success == false)
        let noKey = try await service.callback(hubd, apiKey: nil, ["formOrderId": formOrderId, "formOrderStatus": "Expired"])
        #expect(noKey.status == 401 && noKey.success == false)
        let unknownOrder = try await service.callback(hubd, ["formOrderId": UUID().uuidString, "formOrderStatus": "Completed"])
        #expect(unknownOrder.status == 404 && unknownOrder.success == false)
        let unknownStatus = try await service.callback(hubd, ["formOrderId": formOrderId, "formOrderStatus": "Misplaced"])
        #expect(unknownStatus.status == 400 && unknownStatus.success == false)
        // The service's error, with its code, then its expiry.
        #expect(try await eventually { Self.history(try await Self.order(hubd, id, token: register)) == ["accepted", "ordered"] })
        #expect(try await service.callback(hubd, [
            "formOrderId": formOrderId, "formOrderStatus": "Error", "formOrderStatusErrorCode": "PatientUnreachable",
        ]).success == true)
        #expect(try await service.callback(hubd, ["formOrderId": formOrderId, "formOrderStatus": "Expired"]).success == true)
        let expired = try await Self.order(hubd, id, token: register)
        #expect(expired["status"] as? String == "expired")
        let entries = expired["history"] as? [[String: Any]] ?? []
        #expect(entries.compactMap { $0["status"] as? String } == ["accepted", "ordered", "error", "expired"])
        #expect(entries.first { $0["status"] as? String == "error" }?["detail"] as? String == "PatientUnreachable")
        #expect(!seen.all.contains { $0.contains(Self.patient) || $0.contains(Self.unknownPatient) })
    }

    @Test func anOrderIsPlacedOnceWhenHubdDiesBeforeRecordingIt() async throws {
        let parties = try TestParties()
        let service = try await PromsServiceDouble.start()
        defer { service.stop() }
        service.stallNext()
        let hubd = try await RESTHubd(parties: parties, overrides: RESTHubd.promsSettings(service))
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let register = try await hubd.token([TestParties.register])
        let id = try #require(try await hubd.request("POST", "/proms/orders", json: Self.order(), token: register).json["id"] as? String)
        // The service made the order; hubd dies before it hears so.
        #expect(await eventually { service.ordersMade == 1 })
        hubd.process.kill()
        service.release()
        try await hubd.start()
        #expect(try await eventually { Self.history(try await Self.order(hubd, id, token: register)) == ["accepted", "ordered"] })
        #expect(service.requests.count == 2)
        #expect(service.requests.allSatisfy { $0.idempotencyKey == id })
        #expect(service.ordersMade == 1)
        #expect(try await Self.order(hubd, id, token: register)["formOrderId"] as? String == service.formOrderId(forKey: id))
    }

    @Test func withoutAPromsServiceTheEndpointsAnswer503() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let register = try await hubd.token([TestParties.register])
        let placed = try await hubd.request("POST", "/proms/orders", json: Self.order(), token: register)
        #expect(placed.status == 503)
        #expect(placed.json["type"] as? String == "urn:hubd:proms-not-configured")
        #expect(try await hubd.request("GET", "/proms/orders/\(UUID().uuidString)", token: register).status == 503)
        let callback = try await hubd.request("PUT", "/api/PromsFormOrder", json: ["apiKey": "x"], token: nil)
        #expect(callback.status == 503 && callback.json["success"] as? Bool == false)
    }
}
