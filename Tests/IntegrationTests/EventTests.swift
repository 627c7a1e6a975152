import AMQPBridge
import Foundation
import Hub
import RESTBridge
import Testing

/// Access-restriction events against a real hubd, broker and webhook endpoints: fan-out by
/// filter, per-citizen order under retries, every refusal over REST and AMQP, replay, PVK.
@Suite(.serialized, .timeLimit(.minutes(5))) struct EventTests {
    static let publisher = TestParties.pts
    /// Short on purpose: the contract sets no length for a webhook secret.
    static let secret = "s3cret"

    /// Every subscriber queue these tests use, gone before and after each test.
    static let eventQueues = [TestParties.register, TestParties.hf, TestParties.hf2, TestParties.register2, TestParties.helsenorge]
        .map { EventRouting.queue(herId: $0) }

    static func start(_ parties: TestParties, probe: BrokerProbe) async throws -> RESTHubd {
        await probe.delete(eventQueues)
        let hubd = try await RESTHubd(parties: parties, overrides: [
            "HUBD_EVENT_PUBLISHERS": String(publisher), "HUBD_PVK_COVERS": "\(TestParties.register),\(TestParties.hf)",
        ])
        try await hubd.start()
        return hubd
    }

    static func subscribe(_ hubd: RESTHubd, _ herId: Int, _ body: [String: Any]) async throws {
        let answer = try await hubd.request("PUT", "/subscriptions/\(herId)", json: body, token: try await hubd.token([herId]))
        #expect(answer.status == 204, "\(answer.text)")
    }

    static func publish(_ hubd: RESTHubd, _ event: [String: Any], token: String) async throws -> RESTHubd.Answer {
        try await hubd.request("POST", "/access-restrictions", token: token, headers: ["Content-Type": "application/json"],
                               body: Data(try TestEvents.bytes(event)))
    }

    static func header(_ delivery: AMQPDelivery, _ name: String) -> String? {
        if case .string(let value)? = delivery.properties.headers[name] { return value }
        return nil
    }

    /// Submits an event over AMQP as `from`, to the hub.
    static func submit(_ probe: BrokerProbe, _ parties: TestParties, _ event: [String: Any], from: Int) async throws {
        try await probe.submit(
            to: parties.submitQueue, body: try TestEvents.bytes(event),
            headers: BrokerProbe.headers(from: from, to: TestParties.nhn).merging([HeaderName.messageType: EventRouting.messageFunction]) { $1 },
            contentType: "application/json")
    }

    @Test func onePublishReachesEachSubscriberByItsFilter() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        let hook = try await WebhookReceiver.start(answers: [])
        defer { hook.stop(); Task { await probe.delete(parties.allQueues + Self.eventQueues); await probe.close() } }
        let hubd = try await Self.start(parties, probe: probe)
        try await Self.subscribe(hubd, TestParties.register, ["kinds": ["sperring"], "channel": "Amqp"])
        try await Self.subscribe(hubd, TestParties.hf, ["coveredHerIds": [TestParties.hf], "channel": "Amqp"])
        try await Self.subscribe(hubd, TestParties.hf2, ["kinds": ["nekting"], "channel": "Amqp"])
        try await Self.subscribe(hubd, TestParties.register2, [
            "actions": ["set"], "channel": "Webhook", "webhook": ["url": hook.url, "secret": Self.secret],
        ])
        let shown = try await hubd.request("GET", "/subscriptions/\(TestParties.register2)", token: try await hubd.token([TestParties.register2]))
        #expect(shown.json["channel"] as? String == "Webhook")
        #expect((shown.json["webhook"] as? [String: Any])?["secret"] == nil)

        let pts = try await hubd.token([Self.publisher])
        let event = TestEvents.event(citizen: 1, sequence: 1, covers: [TestParties.hf])
        let published = try await Self.publish(hubd, event, token: pts)
        #expect(published.status == 202, "\(published.text)")
        let sequence = try #require(published.json["sequence"] as? Int)

        for herId in [TestParties.register, TestParties.hf] {
            let delivery = try await probe.next(from: EventRouting.queue(herId: herId))
            #expect(delivery.properties.messageId == event["eventId"] as? String)
            #expect(delivery.properties.contentType == "application/json")
            #expect(Self.header(delivery, "eventKind") == "sperring")
            #expect(Self.header(delivery, "eventAction") == "set")
            #expect(Self.header(delivery, "eventSequence") == String(sequence))
            let body = try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
            #expect(body?["nationalId"] as? String == TestEvents.nationalId(1))
            // The identity number travels in the body only.
            #expect(!delivery.properties.headers.values.contains { $0.visibleText.contains(TestEvents.nationalId(1)) })
            #expect(!delivery.routingKey.contains(TestEvents.nationalId(1)))
        }
        #expect(await eventually { hook.calls.count == 1 })
        let call = try #require(hook.calls.first)
        #expect(call.idempotencyKey == event["eventId"] as? String)
        #expect(WebhookSignature.verify(header: call.signature, secret: Self.secret, body: call.body, now: Int(Date().timeIntervalSince1970)))
        #expect((try JSONSerialization.jsonObject(with: Data(call.body)) as? [String: Any])?["eventId"] as? String == event["eventId"] as? String)

        // The nekting subscriber got nothing: a nekting event published after is the first it sees.
        let marker = TestEvents.event(citizen: 2, sequence: 1, kind: "nekting")
        #expect(try await Self.publish(hubd, marker, token: pts).status == 202)
        let first = try await probe.next(from: EventRouting.queue(herId: TestParties.hf2))
        #expect(first.properties.messageId == marker["eventId"] as? String)
        #expect(await probe.count(EventRouting.queue(herId: TestParties.hf2)) == 0)
        #expect(!hubd.process.log.contains(TestEvents.nationalId(1)))
    }

    @Test func eachCitizensEventsArriveInOrderWhileAFailingWebhookHoldsBackOnlyItself() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        let failures = 40
        let hook = try await WebhookReceiver.start(answers: Array(repeating: 503, count: failures))
        defer { hook.stop(); Task { await probe.delete(parties.allQueues + Self.eventQueues); await probe.close() } }
        let hubd = try await Self.start(parties, probe: probe)
        try await Self.subscribe(hubd, TestParties.register, ["channel": "Amqp"])
        try await Self.subscribe(hubd, TestParties.register2, [
            "channel": "Webhook", "webhook": ["url": hook.url, "secret": Self.secret],
        ])
        let pts = try await hubd.token([Self.publisher])
        var ids: [String: (citizen: Int, sequence: Int)] = [:]
        for step in 1...10 {
            for citizen in [3, 4] {
                let event = TestEvents.event(citizen: citizen, sequence: step, action: step == 1 ? "set" : "changed")
                ids[event["eventId"] as! String] = (citizen, step)
                #expect(try await Self.publish(hubd, event, token: pts).status == 202)
            }
        }
        func inOrder(_ received: [String]) -> Bool {
            for citizen in [3, 4] {
                let sequences = received.compactMap { ids[$0] }.filter { $0.citizen == citizen }.map(\.sequence)
                guard sequences == Array(1...10) else { return false }
            }
            return true
        }
        // The queue subscriber has all 20, in order, while the webhook still fails.
        var queued: [String] = []
        for _ in 0..<20 { queued.append(try await probe.next(from: EventRouting.queue(herId: TestParties.register)).properties.messageId ?? "") }
        #expect(inOrder(queued))
        #expect(hook.calls.count <= failures)
        // The webhook gets every event once it recovers, each citizen's in order.
        #expect(await eventually(timeout: .seconds(90)) { hook.calls.count >= failures + 20 })
        let accepted = hook.calls.dropFirst(failures).compactMap(\.idempotencyKey)
        #expect(Set(accepted) == Set(ids.keys))
        #expect(inOrder(accepted))
        // While it failed, a lane waited on its head: never a later event of the same citizen first.
        let attempted = hook.calls.compactMap(\.idempotencyKey).compactMap { ids[$0] }
        for citizen in [3, 4] {
            let sequences = attempted.filter { $0.citizen == citizen }.map(\.sequence)
            #expect(sequences == sequences.sorted())
        }
    }

    @Test func everyRefusalOverRESTAndAMQPNamesNoIdentityNumber() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues + Self.eventQueues); await probe.close() } }
        let hubd = try await Self.start(parties, probe: probe)
        try await Self.subscribe(hubd, TestParties.register, ["channel": "Amqp"])
        let pts = try await hubd.token([Self.publisher])
        let register = try await hubd.token([TestParties.register])
        let citizen = TestEvents.nationalId(5)
        var answers: [RESTHubd.Answer] = []
        func refused(_ event: [String: Any], token: String, _ status: Int, _ comment: Comment) async throws {
            let answer = try await Self.publish(hubd, event, token: token)
            #expect(answer.status == status, comment)
            #expect(answer.headers["content-type"]?.hasPrefix("application/problem+json") == true, comment)
            answers.append(answer)
        }
        try await refused(TestEvents.event(citizen: 5, sequence: 1), token: register, 403, "not a publisher")
        try await refused(TestEvents.event(citizen: 5, sequence: 1, changes: ["colour": "red"]), token: pts, 400, "unknown field")
        try await refused(TestEvents.event(citizen: 5, sequence: 1, changes: ["kind": "sperre"]), token: pts, 400, "unknown kind")
        let badDigits = String(citizen.dropLast()) + String((citizen.last!.wholeNumberValue! + 1) % 10)
        try await refused(TestEvents.event(citizen: 5, sequence: 1, changes: ["nationalId": badDigits]), token: pts, 400, "check digits")
        try await refused(TestEvents.event(citizen: 5, sequence: 1, kind: "nekting", changes: ["code": NSNull()]), token: pts, 400, "nekting without code")

        let first = TestEvents.event(citizen: 5, sequence: 2)
        let stored = try await Self.publish(hubd, first, token: pts)
        #expect(stored.status == 202)
        let again = try await Self.publish(hubd, first, token: pts)
        #expect(again.status == 202)
        #expect(again.json["sequence"] as? Int == stored.json["sequence"] as? Int)
        try await refused(TestEvents.event(citizen: 5, sequence: 2), token: pts, 409, "repeated sequence, new event id")
        try await refused(TestEvents.event(citizen: 5, sequence: 1), token: pts, 409, "sequence backwards")
        try await refused(TestEvents.event(citizen: 5, sequence: 3, eventId: first["eventId"] as! String), token: pts, 409, "same id, other content")
        for answer in answers {
            #expect(!answer.text.contains(citizen) && !answer.text.contains(badDigits))
            #expect(!answer.headers.values.contains { $0.contains(citizen) })
        }

        // Over AMQP: each refusal reaches the sender's error queue with the contract's condition.
        let error = parties.errorQueue(TestParties.register)
        try await Self.submit(probe, parties, TestEvents.event(citizen: 5, sequence: 9), from: TestParties.register)
        let notPublisher = try await probe.next(from: error)
        #expect(notPublisher.properties.headers[HeaderName.errorCondition] == .string("transport:unsupported-message"))
        let ptsError = parties.errorQueue(Self.publisher)
        for event in [
            TestEvents.event(citizen: 5, sequence: 9, changes: ["colour": "red"]),
            TestEvents.event(citizen: 5, sequence: 9, changes: ["nationalId": badDigits]),
            TestEvents.event(citizen: 5, sequence: 1),
            TestEvents.event(citizen: 5, sequence: 9, eventId: first["eventId"] as! String),
        ] {
            try await Self.submit(probe, parties, event, from: Self.publisher)
            let refusal = try await probe.next(from: ptsError)
            #expect(refusal.properties.headers[HeaderName.errorCondition] == .string("transport:invalid-field-value"))
            #expect(!refusal.properties.headers.values.contains { $0.visibleText.contains(citizen) || $0.visibleText.contains(badDigits) })
        }
        // The same event again over AMQP is dropped: the subscriber has the stored one once.
        try await Self.submit(probe, parties, first, from: Self.publisher)
        let marker = TestEvents.event(citizen: 6, sequence: 1)
        try await Self.submit(probe, parties, marker, from: Self.publisher)
        let queue = EventRouting.queue(herId: TestParties.register)
        #expect(try await probe.next(from: queue).properties.messageId == first["eventId"] as? String)
        #expect(try await probe.next(from: queue).properties.messageId == marker["eventId"] as? String)
        #expect(await probe.count(queue) == 0)
        #expect(!hubd.process.log.contains(citizen) && !hubd.process.log.contains(badDigits))
    }

    @Test func replayFollowsTheSubscriptionAndPVKReplicationBecomesAnEvent() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues + Self.eventQueues); await probe.close() } }
        let hubd = try await Self.start(parties, probe: probe)
        let pts = try await hubd.token([Self.publisher])
        let register = try await hubd.token([TestParties.register])
        #expect(try await hubd.request("GET", "/access-restrictions?after=0", token: register).status == 403)
        try await Self.subscribe(hubd, TestParties.register, ["kinds": ["sperring", "reservasjon"], "channel": "Api"])
        let sperring = TestEvents.event(citizen: 7, sequence: 1)
        let nekting = TestEvents.event(citizen: 7, sequence: 2, kind: "nekting")
        for event in [sperring, nekting] { #expect(try await Self.publish(hubd, event, token: pts).status == 202) }

        let replayed = try await hubd.request("GET", "/access-restrictions?after=0", token: register)
        let events = try #require(replayed.json["events"] as? [[String: Any]])
        #expect(events.compactMap { ($0["event"] as? [String: Any])?["eventId"] as? String } == [sperring["eventId"] as? String])
        let first = try #require(events.first?["sequence"] as? Int)
        #expect((try await hubd.request("GET", "/access-restrictions?after=\(first)", token: register).json["events"] as? [Any])?.isEmpty == true)
        #expect(try await hubd.request("GET", "/access-restrictions?after=0&herId=\(TestParties.hf)", token: register).status == 403)

        // PVK: a reservation, then the same call again, which changes nothing.
        let pvk: [String: Any] = [
            "innbyggerFnr": TestEvents.nationalId(7), "definisjonGuid": "0a3c2f4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
            "definisjonNavn": "Reservasjon mot kjernejournal", "partKode": "KJ", "typePi": "reservasjon",
            "aktiv": true, "tidspunkt": "2026-12-03T11:00:00Z", "metadata": ["kilde": "test"],
        ]
        let replicated = try await hubd.request("POST", "/pvk/LagreInnbyggersPersonvernInnstilling", json: pvk, token: pts)
        #expect(replicated.status == 200, "\(replicated.text)")
        let again = try await hubd.request("POST", "/pvk/LagreInnbyggersPersonvernInnstilling", json: pvk, token: pts)
        #expect(again.json["sequence"] as? Int == replicated.json["sequence"] as? Int)
        let after = try await hubd.request("GET", "/access-restrictions?after=\(first)", token: register)
        let made = try #require((after.json["events"] as? [[String: Any]])?.first?["event"] as? [String: Any])
        #expect(made["kind"] as? String == "reservasjon")
        #expect(made["action"] as? String == "set")
        #expect(made["citizenSequence"] as? Int == 3)
        #expect((made["covers"] as? [String: Any])?["herIds"] as? [Int] == [TestParties.register, TestParties.hf])
        #expect((made["definition"] as? [String: Any])?["guid"] as? String == "0a3c2f4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b")
        var lifted = pvk
        lifted["aktiv"] = false
        lifted["typePi"] = "tilgangsbegrensning"
        #expect(try await hubd.request("POST", "/pvk/LagreInnbyggersPersonvernInnstilling", json: lifted, token: pts).status == 200)
        #expect(try await hubd.request("POST", "/pvk/LagreInnbyggersPersonvernInnstilling", json: pvk, token: register).status == 403)
        let last = try await hubd.request("GET", "/access-restrictions?after=\(first)", token: register)
        let kinds = (last.json["events"] as? [[String: Any]])?.compactMap { ($0["event"] as? [String: Any]).map { "\($0["kind"]!)/\($0["action"]!)" } }
        #expect(kinds == ["reservasjon/set", "sperring/lifted"])

        // The schema is served without a token.
        let schema = try await hubd.request("GET", "/schemas/access-restriction-event.json", token: nil)
        #expect(schema.status == 200)
        #expect(schema.json["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func subscriptionsCommandSetsListsAndDeletes() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues + Self.eventQueues); await probe.close() } }
        let hubd = try await Self.start(parties, probe: probe)
        let set = try hubd.process.command(["subscriptions", "set", #"{"herId": \#(TestParties.register), "kinds": ["sperring"], "channel": "Amqp"}"#])
        #expect(set.status == 0, "\(set.error)")
        let bad = try hubd.process.command(["subscriptions", "set", #"{"herId": \#(TestParties.register), "kinds": ["sperre"], "channel": "Amqp"}"#])
        #expect(bad.status != 0)
        #expect(bad.error.contains("unknown kind"))
        let list = try hubd.process.command(["subscriptions", "list"])
        #expect(list.output.contains("\(TestParties.register) Amqp kinds=sperring actions=all covered=all"))
        // The running hubd follows: its queue is bound and gets the next event.
        let event = TestEvents.event(citizen: 8, sequence: 1)
        #expect(try await Self.publish(hubd, event, token: try await hubd.token([Self.publisher])).status == 202)
        #expect(try await probe.next(from: EventRouting.queue(herId: TestParties.register)).properties.messageId == event["eventId"] as? String)
        #expect(try hubd.process.command(["subscriptions", "delete", String(TestParties.register)]).status == 0)
        #expect(try hubd.process.command(["subscriptions", "list"]).output.contains("no subscriptions"))
    }
}
