import AMQPBridge
import Dialogs
import Foundation
import Hub
import RESTBridge
import Testing

/// The REST API of a real hubd on loopback, with a real broker and a real store.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RESTAPITests {
    static func document(tag: String, from: Int = TestParties.helsenorge, to: Int = TestParties.register) throws -> [UInt8] {
        var text = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<MsgId>", with: "<MsgId>\(tag)-")
        if to != TestParties.register {
            text = text.replacingOccurrences(of: "<Id>\(TestParties.register)</Id>", with: "<Id>\(to)</Id>")
        }
        return Array(text.utf8)
    }

    @Test func tokensAreCheckedAsHelseIDDoes() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let path = "/notifications?HerIds=\(TestParties.helsenorge)"
        let url = hubd.base + path
        let token = try await hubd.token([TestParties.helsenorge])
        #expect(try await hubd.request("GET", path, token: token).status == 200)

        func refused(_ authorization: String?, _ proof: String?) async throws -> RESTHubd.Answer {
            var headers: [String: String] = [:]
            if let authorization { headers["Authorization"] = authorization }
            if let proof { headers["DPoP"] = proof }
            return try await hubd.request("GET", path, token: nil, headers: headers)
        }
        let now = Date()
        let proof = { (token: String) in try await hubd.key.proof(method: "GET", url: url, accessToken: token, now: now) }
        let other = try LocalAuthority.create(in: try TestEnvironment.temporaryDirectory(), issuer: "hubd-test")
        let foreign = try await other.token(herIds: [TestParties.helsenorge], dpopKey: hubd.key, now: now)
        let cases: [(String, String)] = [
            ("foreign signature", foreign),
            ("wrong issuer", try await hubd.authority.token(herIds: [TestParties.helsenorge], issuer: "someone-else", dpopKey: hubd.key, now: now)),
            ("wrong audience", try await hubd.authority.token(herIds: [TestParties.helsenorge], audience: "other", dpopKey: hubd.key, now: now)),
            ("missing scope", try await hubd.authority.token(herIds: [TestParties.helsenorge], scope: "other:scope", dpopKey: hubd.key, now: now)),
            ("expired", try await hubd.authority.token(herIds: [TestParties.helsenorge], lifetime: 60, dpopKey: hubd.key, now: now.addingTimeInterval(-3600))),
            ("not yet valid", try await hubd.authority.token(herIds: [TestParties.helsenorge], dpopKey: hubd.key, now: now.addingTimeInterval(3600))),
        ]
        for (name, bad) in cases {
            let answer = try await refused("DPoP \(bad)", try await proof(bad))
            #expect(answer.status == 401, "\(name)")
            #expect(answer.headers["www-authenticate"]?.hasPrefix("DPoP") == true, "\(name)")
            #expect(answer.headers["content-type"] == "application/problem+json", "\(name)")
        }
        // alg none: a token with no signature at all.
        let unsigned = Self.base64URL(#"{"alg":"none","typ":"at+jwt"}"#) + "." + Self.base64URL(#"{"iss":"hubd-test"}"#) + "."
        #expect(try await refused("DPoP \(unsigned)", try await proof(unsigned)).status == 401)
        // Bearer where DPoP is required, and no credentials at all.
        #expect(try await refused("Bearer \(token)", nil).status == 401)
        #expect(try await refused(nil, nil).status == 401)
        // Proofs that do not fit the request.
        let otherKey = try DPoPKey.generate()
        let misfits: [(String, String)] = [
            ("another method", try await hubd.key.proof(method: "POST", url: url, accessToken: token, now: now)),
            ("another URL", try await hubd.key.proof(method: "GET", url: hubd.base + "/messages", accessToken: token, now: now)),
            ("another token", try await hubd.key.proof(method: "GET", url: url, accessToken: foreign, now: now)),
            ("another key", try await otherKey.proof(method: "GET", url: url, accessToken: token, now: now)),
            ("stale", try await hubd.key.proof(method: "GET", url: url, accessToken: token, now: now.addingTimeInterval(-120))),
        ]
        for (name, misfit) in misfits {
            #expect(try await refused("DPoP \(token)", misfit).status == 401, "\(name)")
        }
        let once = try await proof(token)
        #expect(try await refused("DPoP \(token)", once).status == 200)
        #expect(try await refused("DPoP \(token)", once).status == 401, "a replayed proof")

        // 403 for a HER-id the token does not hold; 404 for another party's message.
        let forbidden = try await hubd.request("GET", "/notifications?HerIds=\(TestParties.register)", token: token)
        #expect(forbidden.status == 403)
        #expect((forbidden.json["detail"] as? String)?.contains(String(TestParties.register)) == true)
        let sent = try await hubd.send(try Self.document(tag: "auth"), from: TestParties.helsenorge, to: TestParties.register, token: token)
        #expect(sent.status == 202)
        let id = try #require(sent.json["id"] as? String)
        // Not the sender, the receiver, nor a party above either (10037003 is the register's parent).
        let stranger = try await hubd.token([TestParties.proms])
        #expect(try await hubd.request("GET", "/messages/\(id)", token: stranger).status == 404)
        #expect(try await hubd.request("GET", "/messages/\(id)", token: token).status == 200)
    }

    @Test func restSubmissionIsDeliveredOverAMQPAndIdempotent() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let token = try await hubd.token([TestParties.helsenorge])
        let document = try Self.document(tag: "rest")

        let sent = try await hubd.send(document, from: TestParties.helsenorge, to: TestParties.register, token: token)
        #expect(sent.status == 202)
        let id = try #require(sent.json["id"] as? String)
        #expect(sent.headers["location"] == "/messages/\(id)")
        let delivery = try await probe.next(from: parties.asyncQueue(TestParties.register))
        #expect(delivery.body == document)
        #expect(delivery.properties.messageId == id)
        #expect(delivery.properties.headers[HeaderName.fromHerId] == .string(String(TestParties.helsenorge)))

        let again = try await hubd.send(document, from: TestParties.helsenorge, to: TestParties.register, token: token)
        #expect(again.status == 202)
        #expect(again.json["id"] as? String == id)
        var changed = document
        changed.append(contentsOf: Array("\n".utf8))
        #expect(try await hubd.send(changed, from: TestParties.helsenorge, to: TestParties.register, token: token).status == 409)

        let status = try await hubd.request("GET", "/messages/\(id)/status", token: token)
        #expect(status.status == 200)
        let list = try #require(status.json["statusList"] as? [[String: Any]])
        #expect(list.first?["transportDeliveryState"] as? String == "Acknowledged")
        #expect((status.json["history"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["accepted", "sent"])
        let read = try await hubd.request("GET", "/messages/\(id)", token: token)
        #expect(read.json["businessDocumentMsgType"] as? String == "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")
        let original = try await hubd.request("GET", "/messages/\(id)/business-document", token: token)
        #expect((original.json["businessDocument"] as? String).flatMap { Data(base64Encoded: $0) } == Data(document))

        // Every ingress refusal is a 400 problem with the AMQP condition; nothing is stored
        // and no error message goes out.
        let unsupported = String(decoding: try Self.document(tag: "nocap"), as: UTF8.self)
            .replacingOccurrences(of: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", with: "DIALOG_INNBYGGER_EKONTAKT")
        let schemaInvalid = String(decoding: try Self.document(tag: "schema"), as: UTF8.self)
            .replacingOccurrences(of: "<GenDate>", with: "<GenDate>not a date")
        let refusals: [([UInt8], Int, String?, String)] = [
            (Array("<not xml".utf8), TestParties.register, "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", "transport:not-well-formed-xml"),
            (Array("<not xml".utf8), TestParties.register, nil, "transport:invalid-field-value"),
            (try Self.document(tag: "spoof"), TestParties.hf, nil, "transport:invalid-field-value"),
            (Array(unsupported.utf8), TestParties.register, nil, "transport:unsupported-message"),
            (Array(schemaInvalid.utf8), TestParties.register, nil, "transport:not-well-formed-xml"),
        ]
        for (body, receiver, function, condition) in refusals {
            let answer = try await hubd.send(body, from: TestParties.helsenorge, to: receiver, function: function, token: token)
            #expect(answer.status == 400, "\(condition)")
            #expect(answer.json["errorCondition"] as? String == condition)
            #expect(answer.json["type"] as? String == "urn:hubd:" + condition)
            #expect(answer.json["requestId"] as? String == answer.headers["x-request-id"])
        }
        // The sender in the payload is not the sender the request names (the token holds both).
        let both = try await hubd.token([TestParties.helsenorge, TestParties.hf2])
        let spoofed = try await hubd.send(try Self.document(tag: "spoofed"), from: TestParties.hf2, to: TestParties.register, token: both)
        #expect(spoofed.status == 400)
        #expect(spoofed.json["errorCondition"] as? String == "abuse:spoofing-attack")
        #expect(try await hubd.request("POST", "/messages", json: ["senderHerId": TestParties.helsenorge], token: token).status == 400)
        #expect(try await hubd.request("POST", "/messages", token: token, headers: ["Content-Type": "application/json"],
                                       body: Data("{not json".utf8)).status == 400)
        let marker = try await probe.submitMarker(to: parties.submitQueue)
        _ = try await probe.next(from: parties.asyncQueue(BrokerProbe.markerReceiver))
        _ = marker
        #expect(await probe.count(parties.errorQueue(TestParties.helsenorge)) == 0)
        let stored = try await SQLiteStore(path: hubd.process.database).stateCounts()
        #expect(stored.values.reduce(0, +) == 2)
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
