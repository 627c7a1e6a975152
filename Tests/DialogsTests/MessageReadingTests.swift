import Testing
@testable import Dialogs

@Suite("Reading routing fields")
struct MessageReadingTests {
    private func msgHead(_ body: [UInt8]) throws -> MsgHeadInfo {
        let message = try Fixtures.parser.parse(body).requireMessage()
        guard case .msgHead(let info) = message else { throw UnexpectedMessage(message: message) }
        return info
    }

    private func appRec(_ text: String) throws -> AppRecInfo {
        let message = try Fixtures.parse(text).requireMessage()
        guard case .appRec(let info) = message else { throw UnexpectedMessage(message: message) }
        return info
    }

    struct UnexpectedMessage: Error {
        var message: DialogMessage
    }

    @Test("Names are matched by namespace, not by prefix")
    func prefixedMsgHead() throws {
        let namespace = KnownNamespace.msgHead
        let text = try Fixtures.text("innsyn_bruk.xml")
            .replacingOccurrences(of: "<MsgHead xmlns=\"\(namespace)\">", with: "<mh:MsgHead xmlns:mh=\"\(namespace)\" xmlns=\"\(namespace)\">")
            .replacingOccurrences(of: "</MsgHead>", with: "</mh:MsgHead>")
            .replacingOccurrences(of: "<MsgId>", with: "<x:MsgId xmlns:x=\"\(namespace)\">")
            .replacingOccurrences(of: "</MsgId>", with: "</x:MsgId>")
        try #require(text.contains("<mh:MsgHead") && text.contains("<x:MsgId"))
        let parsed = try Fixtures.parse(text)
        #expect(parsed.message?.id == "35bf992d-c9e9-4616-a12e-7696a6cecc1b")
        #expect(parsed.message?.sender.effective == 10037002)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("Elements of the right name in another namespace are ignored")
    func foreignNamespaceChild() throws {
        let body = try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<MsgId>35bf992d-c9e9-4616-a12e-7696a6cecc1b</MsgId>",
            with: "<MsgId xmlns=\"urn:example:other\">wrong</MsgId>")
        let parsed = try Fixtures.parser.parse(body)
        #expect(parsed.message == nil)
        #expect(throws: DialogError.missingElement("MsgInfo/MsgId")) { try parsed.requireMessage() }
    }

    @Test("ConversationRef, Ack N and surrounding white space")
    func conversation() throws {
        let info = try msgHead(try Fixtures.example(
            "melde_feil.xml", replacing: "<Ack V=\"J\" DN=\"Ja\"/>",
            with: "<Ack V=\"N\" DN=\"Nei\"/><ConversationRef><RefToParent>\n  parent-1 </RefToParent>"
                + "<RefToConversation>conv-1</RefToConversation></ConversationRef>"))
        #expect(info.ackRequested == false)
        #expect(info.refToParent == "parent-1")
        #expect(info.refToConversation == "conv-1")
    }

    @Test("Without Ack, nothing is assumed")
    func noAck() throws {
        let info = try msgHead(try Fixtures.example("melde_feil.xml", replacing: "<Ack V=\"J\" DN=\"Ja\"/>", with: ""))
        #expect(info.ackRequested == nil)
    }

    @Test("A HealthcareProfessional is the level-2 party when there is no nested Organisation")
    func healthcareProfessional() throws {
        let info = try msgHead(try Fixtures.example(
            "innsyn_bruk.xml",
            replacing: "<Organisation><OrganisationName>Nasjonalt eksempelregister</OrganisationName><Ident><Id>10037004</Id><TypeId V=\"HER\" DN=\"HER-id\" S=\"2.16.578.1.12.4.1.1.9051\"/></Ident></Organisation>",
            with: "<HealthcareProfessional><FamilyName>Lege</FamilyName><Ident><Id>9144889</Id><TypeId V=\"HPR\"/></Ident>"
                + "<Ident><Id>10037099</Id><TypeId V=\"HER\"/></Ident></HealthcareProfessional>"))
        #expect(info.receiver == PartyIdent(level1: 10037003, level2: 10037099))
    }

    @Test("Only HER idents count, and a non-numeric HER-id is absent")
    func herIdents() throws {
        let info = try msgHead(try Fixtures.example(
            "innsyn_bruk.xml",
            replacing: "<Ident><Id>10037001</Id><TypeId V=\"HER\" DN=\"HER-id\" S=\"2.16.578.1.12.4.1.1.9051\"/></Ident>",
            with: "<Ident><Id>974633574</Id><TypeId V=\"ENH\"/></Ident><Ident><Id>10037001</Id><TypeId V=\"HER\"/></Ident>"))
        #expect(info.sender.level1 == 10037001)

        let broken = try msgHead(try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<Id>10037002</Id>", with: "<Id>10037-002</Id>"))
        #expect(broken.sender == PartyIdent(level1: 10037001, level2: nil))
        #expect(broken.sender.effective == 10037001)
    }

    @Test("A MsgHead without a patient says so")
    func noPatient() throws {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let start = try #require(text.range(of: "<Patient>"))
        let end = try #require(text.range(of: "</Patient>"))
        let info = try msgHead(Array((String(text[..<start.lowerBound]) + String(text[end.upperBound...])).utf8))
        #expect(!info.hasPatient)
    }

    @Test("A missing routing field leaves message nil and is named; validation explains it")
    func missingMsgId() throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<MsgId>35bf992d-c9e9-4616-a12e-7696a6cecc1b</MsgId>", with: ""))
        #expect(parsed.message == nil)
        #expect(throws: DialogError.missingElement("MsgInfo/MsgId")) { try parsed.requireMessage() }
        let violation = try #require(parsed.validate(with: try Fixtures.schemas()))
        #expect(violation.message.contains("Expected is ( {\(KnownNamespace.msgHead)}MsgId )"), "\(violation)")
    }

    @Test("A schema-valid MsgHead without Type/@V has no message function")
    func missingType() throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<Type V=\"DIALOG_INNBYGGER_HREG_INNSYN_BRUK\" DN=\"Dialog med innbygger - innsyn bruk\"/>",
            with: "<Type DN=\"Dialog\"/>"))
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
        #expect(throws: DialogError.missingElement("MsgInfo/Type/@V")) { try parsed.requireMessage() }
    }

    static let appRec10 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <AppRec xmlns="http://www.kith.no/xmlstds/apprec/2004-11-21">
          <MsgType V="APPREC" DN="Applikasjonskvittering"/>
          <MIGversion>1.0 2004-11-21</MIGversion>
          <GenDate>2026-03-04T10:20:00</GenDate>
          <Id>a10-receipt-1</Id>
          <Sender><Role V="MOTTAKER"/><HCP><Inst><Name>Register</Name><Id>10037003</Id><TypeId V="HER" DN="HER-id"/>
            <HCPerson><Name>Saksbehandler</Name><Id>10037077</Id><TypeId V="HER" DN="HER-id"/></HCPerson></Inst></HCP></Sender>
          <Receiver><HCP><Inst><Name>Portal</Name><Id>10037001</Id><TypeId V="HER" DN="HER-id"/>
            <Dept><Name>Innbyggerportal</Name><Id>10037002</Id><TypeId V="HER" DN="HER-id"/></Dept></Inst></HCP></Receiver>
          <Status V="3" DN="OK, feil i delmelding"/>
          <Error V="X99" DN="Annen feil" S="2.16.578.1.12.4.1.1.8221"/>
          <Error V="E10"/>
          <OriginalMsgId>
            <MsgType V="DIALOG_INNBYGGER_HREG_MELDE_FEIL"/>
            <IssueDate>2026-03-04T10:15:00</IssueDate>
            <Id>9b810e76-6ec9-4286-a3ca-828dd5f4b3b2</Id>
          </OriginalMsgId>
        </AppRec>
        """

    @Test("An AppRec v1.0 parses, with HCPerson as level 2, and validates")
    func appRecVersion10() throws {
        let parsed = try Fixtures.parse(Self.appRec10)
        #expect(parsed.message == .appRec(AppRecInfo(
            namespace: KnownNamespace.appRec10, id: "a10-receipt-1", status: .okWithErrors,
            errors: [AppRecError(code: "X99", description: "Annen feil"), AppRecError(code: "E10", description: nil)],
            originalMsgId: "9b810e76-6ec9-4286-a3ca-828dd5f4b3b2", originalMsgType: "DIALOG_INNBYGGER_HREG_MELDE_FEIL",
            sender: PartyIdent(level1: 10037003, level2: 10037077),
            receiver: PartyIdent(level1: 10037001, level2: 10037002))))
        #expect(parsed.message?.schemaNamespace == KnownNamespace.appRec10)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("An AppRec without a HER TypeId has no party ids")
    func appRecWithoutHer() throws {
        let info = try appRec(Self.appRec10.replacingOccurrences(of: "<TypeId V=\"HER\" DN=\"HER-id\"/>", with: "<TypeId V=\"ENH\"/>"))
        #expect(info.sender == PartyIdent())
        #expect(info.receiver.effective == nil)
    }

    @Test("AppRec status codes", arguments: [
        ("1", AppRecStatus.ok), ("2", .rejected), ("3", .okWithErrors), ("9", .other("9")),
    ])
    func statusCodes(code: String, status: AppRecStatus) throws {
        let info = try appRec(Self.appRec10.replacingOccurrences(of: "<Status V=\"3\"", with: "<Status V=\"\(code)\""))
        #expect(info.status == status)
        #expect(status.code == code)
    }

    @Test("An AppRec missing OriginalMsgId/Id names it")
    func appRecMissingOriginal() throws {
        let parsed = try Fixtures.parse(Self.appRec10.replacingOccurrences(
            of: "<Id>9b810e76-6ec9-4286-a3ca-828dd5f4b3b2</Id>", with: ""))
        #expect(throws: DialogError.missingElement("OriginalMsgId/Id")) { try parsed.requireMessage() }
        #expect(parsed.validate(with: try Fixtures.schemas()) != nil)
    }
}
