import Testing
@testable import Dialogs

@Suite("The example messages")
struct ExampleMessageTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var function: String
        var id: String
        var testDescription: String { file }
    }

    static let msgHeads = [
        Expectation(file: "innsyn_bruk.xml", function: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK",
                    id: "35bf992d-c9e9-4616-a12e-7696a6cecc1b"),
        Expectation(file: "innsyn_helseopplysninger.xml", function: "DIALOG_INNBYGGER_HREG_INNSYN_HELSEOPPLYSNINGER",
                    id: "78e51061-7311-48a3-82ce-6f447ed4d57b"),
        Expectation(file: "innsyn_utlevering.xml", function: "DIALOG_INNBYGGER_HREG_INNSYN_UTLEVERING",
                    id: "e4b06ce6-0741-47a8-bce4-2c8218072e8c"),
        Expectation(file: "melde_feil.xml", function: "DIALOG_INNBYGGER_HREG_MELDE_FEIL",
                    id: "9b810e76-6ec9-4286-a3ca-828dd5f4b3b2"),
        Expectation(file: "sletting_eller_sperring.xml", function: "DIALOG_INNBYGGER_HREG_SLETTING_ELLER_SPERRING",
                    id: "b2221a58-008a-45a6-8464-7159c324c985"),
    ]

    @Test("MsgHead examples parse with their routing fields and validate", arguments: msgHeads)
    func msgHead(_ expected: Expectation) throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.bytes(expected.file))
        let message = try parsed.requireMessage()
        guard case .msgHead(let info) = message else {
            Issue.record("expected a MsgHead, got \(message)")
            return
        }
        #expect(info.messageFunction == expected.function)
        #expect(info.msgId == expected.id)
        #expect(info.genDate == "2026-03-04T10:15:00+01:00")
        #expect(info.ackRequested == true)
        #expect(info.refToParent == nil && info.refToConversation == nil)
        #expect(info.sender == PartyIdent(level1: 10037001, level2: 10037002))
        #expect(info.receiver == PartyIdent(level1: 10037003, level2: 10037004))
        #expect(info.hasPatient)
        #expect(message.messageFunction == expected.function)
        #expect(message.id == expected.id)
        #expect(message.sender.effective == 10037002)
        #expect(message.receiver.effective == 10037004)
        #expect(message.schemaNamespace == KnownNamespace.dialog11)
        #expect(!message.isAppRec)
        #expect(parsed.message == message)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("The OK AppRec parses and validates")
    func appRecOK() throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.bytes("apprec-ok.xml"))
        let expected = AppRecInfo(
            namespace: KnownNamespace.appRec11, id: "cd447e35-b8b6-48fe-842e-3d437204e52d", status: .ok, errors: [],
            originalMsgId: "78e51061-7311-48a3-82ce-6f447ed4d57b",
            originalMsgType: "DIALOG_INNBYGGER_HREG_INNSYN_HELSEOPPLYSNINGER",
            sender: PartyIdent(level1: 10037003, level2: 10037004),
            receiver: PartyIdent(level1: 10037001, level2: 10037002))
        #expect(parsed.message == .appRec(expected))
        #expect(parsed.message?.messageFunction == "APPREC")
        #expect(parsed.message?.id == "cd447e35-b8b6-48fe-842e-3d437204e52d")
        #expect(parsed.message?.schemaNamespace == KnownNamespace.appRec11)
        #expect(parsed.message?.isAppRec == true)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("The rejecting AppRec parses with its error and validates")
    func appRecRejected() throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.bytes("apprec-rejected.xml"))
        guard case .appRec(let info) = try parsed.requireMessage() else {
            Issue.record("expected an AppRec")
            return
        }
        #expect(info.id == "1a2b8f1f-f1fd-42a2-9755-d4c13a902931")
        #expect(info.status == .rejected)
        #expect(info.errors == [AppRecError(code: "E35", description: "Pasienten finnes ikke i mottakersystemet")])
        #expect(info.originalMsgId == "35bf992d-c9e9-4616-a12e-7696a6cecc1b")
        #expect(info.originalMsgType == "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")
        #expect(info.sender.effective == 10037004 && info.receiver.effective == 10037002)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("Validating twice gives the same answer and leaves the message alone")
    func validateTwice() throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.bytes("melde_feil.xml"))
        let schemas = try Fixtures.schemas()
        let before = parsed.message
        #expect(parsed.validate(with: schemas) == nil)
        #expect(parsed.validate(with: schemas) == nil)
        #expect(parsed.message == before)
    }
}
