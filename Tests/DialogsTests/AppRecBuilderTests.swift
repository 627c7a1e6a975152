import Foundation
import Testing
@testable import Dialogs

@Suite("Building AppRecs", .timeLimit(.minutes(2)))
struct AppRecBuilderTests {
    /// A MsgHead to answer, and the parties `PartyIdent` reads from it.
    struct Original: Sendable, CustomTestStringConvertible {
        var file: String
        var isPublicFixture = false
        var sender: PartyIdent
        var receiver: PartyIdent
        var testDescription: String { file }

        func parsed() throws -> ParsedDialog {
            try Fixtures.parser.parse(isPublicFixture ? try Fixtures.publicFixture(file) : try Fixtures.bytes(file))
        }
    }

    /// A register dialog (Dialogmelding 1.1, nested organisations on both sides).
    static let registerDialog = Original(
        file: "innsyn_bruk.xml",
        sender: PartyIdent(level1: 10037001, level2: 10037002), receiver: PartyIdent(level1: 10037003, level2: 10037004))

    /// Messages of other systems: a GP's note (Dialogmelding 1.0, the person's HER-id as level 2),
    /// an e-prescription (ERM1) and a settlement (POM) whose professional has only an HPR number.
    static let publicOriginals = [
        Original(file: "ks-no-fiks-nhn-client/dialog-notat-webmed-test.xml", isPublicFixture: true,
                 sender: PartyIdent(level1: 8142952, level2: 8143025), receiver: PartyIdent(level1: 8142987, level2: 8143060)),
        Original(file: "navikt-ebxml-processor/m1.helseid.multiple.xml", isPublicFixture: true,
                 sender: PartyIdent(level1: 96915, level2: 96921), receiver: PartyIdent(level1: 80624)),
        Original(file: "navikt-ebxml-processor/oppgjorsmelding-POM-signed.xml", isPublicFixture: true,
                 sender: PartyIdent(level1: 8141253), receiver: PartyIdent(level1: 79768)),
    ]

    static let appRecId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"

    static func errors(for outcome: AppRecOutcome) -> [AppRecErrorEntry] {
        switch outcome {
        case .ok: []
        case .rejected:
            [AppRecErrorEntry(code: "E35", details: "Ingen treff i pasientregisteret",
                              description: "Pasienten finnes ikke i mottakersystemet")]
        case .okErrorInMessagePart:
            [AppRecErrorEntry(code: "X99", description: "Annen feil"),
             AppRecErrorEntry(code: "T10", details: "Vedlegg 2", oid: AppRecErrorEntry.defaultOid)]
        }
    }

    /// Builds the answer of `original`'s receiver and checks it against the schema and the parser.
    @discardableResult
    private func build(
        _ original: Original, _ outcome: AppRecOutcome, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let parsedOriginal = try original.parsed()
        let message = try parsedOriginal.requireMessage()
        guard case .msgHead(let head) = message else { throw UnexpectedMessage(message: message) }
        #expect(head.sender == original.sender && head.receiver == original.receiver, sourceLocation: sourceLocation)

        let errors = Self.errors(for: outcome)
        let appRec = try AppRecBuilder.build(
            answering: parsedOriginal, answeringHerId: try #require(original.receiver.effective), status: outcome,
            errors: errors, id: try #require(UUID(uuidString: Self.appRecId)),
            genDate: try Date("2026-03-04T09:20:00Z", strategy: .iso8601))

        let parsed = try Fixtures.parser.parse(appRec.body)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil, sourceLocation: sourceLocation)
        #expect(parsed.message == .appRec(appRec.info), sourceLocation: sourceLocation)
        #expect(appRec.info == AppRecInfo(
            namespace: KnownNamespace.appRec11, id: Self.appRecId, status: outcome.status,
            errors: errors.map { AppRecError(code: $0.code, description: $0.description) },
            originalMsgId: head.msgId, originalMsgType: head.messageFunction,
            sender: original.receiver, receiver: original.sender), sourceLocation: sourceLocation)
        #expect(appRec.id == Self.appRecId, sourceLocation: sourceLocation)

        let text = String(decoding: appRec.body, as: UTF8.self)
        for expected in [
            "<GenDate>2026-03-04T09:20:00Z</GenDate>",
            "<Status V=\"\(outcome.status.code)\" DN=\"\(outcome.displayName)\"/>",
            "<IssueDate>\(head.genDate)</IssueDate>",
        ] + errors.map({ "<Error V=\"\($0.code)\" S=\"\(AppRecErrorEntry.defaultOid)\"" }) {
            #expect(text.contains(expected), "\(expected)", sourceLocation: sourceLocation)
        }
        return text
    }

    struct UnexpectedMessage: Error {
        var message: DialogMessage
    }

    @Test("A register dialog's AppRecs are valid and read back", arguments: AppRecOutcome.allCases)
    func registerDialog(_ outcome: AppRecOutcome) throws {
        try build(Self.registerDialog, outcome)
    }

    @Test("Other systems' messages get valid AppRecs that read back", .enabled(if: Fixtures.hasPublicFixtures),
          arguments: publicOriginals, AppRecOutcome.allCases)
    func publicMessages(_ original: Original, _ outcome: AppRecOutcome) throws {
        try build(original, outcome)
    }

    @Test("Sender and Receiver swap the original's parties, nested organisation as Dept")
    func registerParties() throws {
        let text = try build(Self.registerDialog, .ok)
        #expect(text.contains("""
              <Sender>
                <HCP>
                  <Inst>
                    <Name>Eksempel helseforetak HF</Name>
                    <Id>10037003</Id>
                    <TypeId V="HER" DN="HER-id"/>
                    <Dept>
                      <Name>Nasjonalt eksempelregister</Name>
                      <Id>10037004</Id>
                      <TypeId V="HER" DN="HER-id"/>
                    </Dept>
                  </Inst>
                </HCP>
              </Sender>
              <Receiver>
                <HCP>
                  <Inst>
                    <Name>Eksempel helsenett SF</Name>
                    <Id>10037001</Id>
            """))
        #expect(text.contains("""
                <MsgType V="DIALOG_INNBYGGER_HREG_INNSYN_BRUK" DN="Dialog med innbygger - innsyn bruk"/>
            """))
    }

    @Test("The professional becomes HCPerson; identifiers other than the HER-id become AdditionalId",
          .enabled(if: Fixtures.hasPublicFixtures))
    func prescriptionParties() throws {
        let text = try build(Self.publicOriginals[1], .ok)
        #expect(text.contains("""
              <Receiver>
                <HCP>
                  <Inst>
                    <Name>Strømsø Legesenter</Name>
                    <Id>96915</Id>
                    <TypeId V="HER" DN="HER-id"/>
                    <AdditionalId>
                      <Id>990862575</Id>
                      <Type V="ENH" DN="Organisasjonsnummeret i Enhetsregister (Brønnøysund)"/>
                    </AdditionalId>
                    <HCPerson>
                      <Name>Ane Mone</Name>
                      <Id>96921</Id>
                      <TypeId V="HER" DN="Identifikator fra Helsetjenesteenhetsregisteret"/>
                      <AdditionalId>
                        <Id>002109743</Id>
                        <Type V="HPR" DN="HPR-nummer"/>
                      </AdditionalId>
                    </HCPerson>
                  </Inst>
                </HCP>
              </Receiver>
            """))
        #expect(text.contains("<MsgType V=\"ERM1\" DN=\"Resept\"/>"))
    }

    @Test("Markup characters, quotes, white space and non-ASCII text are escaped")
    func escaping() throws {
        var text = try Fixtures.text("innsyn_bruk.xml")
        for (target, replacement) in [
            ("<OrganisationName>Eksempel helseforetak HF</OrganisationName>",
             "<OrganisationName>Ålesund &amp; Omegn &lt;HF&gt; \"Sør\"</OrganisationName>"),
            ("<MsgId>35bf992d", "<MsgId>a&amp;b&lt;c&gt;&#13;"),
        ] {
            try #require(text.contains(target))
            text = text.replacingOccurrences(of: target, with: replacement)
        }
        let original = try Fixtures.parse(text)
        let errors = [AppRecErrorEntry(
            code: " E35 ", details: "linje 1\nlinje 2\t'x'\r", description: "Pasient \"Ola\" & <ukjent> i Ålesund")]
        let appRec = try AppRecBuilder.build(
            answering: original, answeringHerId: 10037004, status: .rejected, errors: errors,
            id: UUID(), genDate: Date(timeIntervalSince1970: 0))

        let parsed = try Fixtures.parser.parse(appRec.body)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
        let message = try parsed.requireMessage()
        guard case .appRec(let info) = message else { throw UnexpectedMessage(message: message) }
        #expect(info == appRec.info)
        #expect(info.errors == [AppRecError(code: "E35", description: "Pasient \"Ola\" & <ukjent> i Ålesund")])
        #expect(info.originalMsgId == "a&b<c>\r-c9e9-4616-a12e-7696a6cecc1b")
        let written = String(decoding: appRec.body, as: UTF8.self)
        #expect(written.contains("<Name>Ålesund &amp; Omegn &lt;HF&gt; \"Sør\"</Name>"))
        #expect(written.contains("DN=\"Pasient &quot;Ola&quot; &amp; &lt;ukjent&gt; i Ålesund\""))
        #expect(written.contains("OT=\"linje 1&#10;linje 2&#9;'x'\""))
        #expect(written.contains("<Id>a&amp;b&lt;c&gt;&#13;-c9e9-4616-a12e-7696a6cecc1b</Id>"))
    }

    @Test("Rejected needs errors, Ok allows none")
    func statusAndErrors() throws {
        let original = try Self.registerDialog.parsed()
        #expect(throws: AppRecBuildError.rejectedWithoutErrors) {
            try AppRecBuilder.build(answering: original, answeringHerId: 10037004, status: .rejected, id: UUID(), genDate: .now)
        }
        #expect(throws: AppRecBuildError.okWithErrors) {
            try AppRecBuilder.build(
                answering: original, answeringHerId: 10037004, status: .ok,
                errors: [AppRecErrorEntry(code: "X99")], id: UUID(), genDate: .now)
        }
    }

    @Test("An error entry that cannot be written is refused without repeating it", arguments: [
        (AppRecErrorEntry(code: " \t"), AppRecBuildError.EntryProblem.missingCode),
        (AppRecErrorEntry(code: "E35", oid: "20835622828.x"), .oidNotAnOID),
        (AppRecErrorEntry(code: "E35", oid: "2..16"), .oidNotAnOID),
        (AppRecErrorEntry(code: "E35", description: "20835622828\u{1}"), .characterNotAllowed(field: "description")),
        (AppRecErrorEntry(code: "E35", details: "\u{FFFE}"), .characterNotAllowed(field: "details")),
    ])
    func invalidEntry(_ entry: AppRecErrorEntry, _ problem: AppRecBuildError.EntryProblem) throws {
        let original = try Self.registerDialog.parsed()
        let refusal = AppRecBuildError.invalidErrorEntry(index: 1, problem: problem)
        #expect(throws: refusal) {
            try AppRecBuilder.build(
                answering: original, answeringHerId: 10037004, status: .rejected,
                errors: [AppRecErrorEntry(code: "E35"), entry], id: UUID(), genDate: .now)
        }
        #expect(refusal.description.hasPrefix("error 2 of the list "))
        #expect(!refusal.description.contains("20835622828"))
    }

    @Test("An AppRec is never answered")
    func appRecOriginal() throws {
        let original = try Fixtures.parser.parse(try Fixtures.bytes("apprec-ok.xml"))
        #expect(throws: AppRecBuildError.originalIsAppRec) {
            try AppRecBuilder.build(answering: original, answeringHerId: 10037002, status: .ok, id: UUID(), genDate: .now)
        }
    }

    @Test("An original without its routing fields is refused, naming the missing one")
    func unreadableOriginal() throws {
        let original = try Fixtures.parser.parse(try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<MsgId>35bf992d-c9e9-4616-a12e-7696a6cecc1b</MsgId>", with: ""))
        #expect(throws: AppRecBuildError.originalUnreadable(.missingElement("MsgInfo/MsgId"))) {
            try AppRecBuilder.build(answering: original, answeringHerId: 10037004, status: .ok, id: UUID(), genDate: .now)
        }
    }

    @Test("Only the original's receiver answers, by its effective HER-id", arguments: [
        10037002,       // the original's sender
        10037003,       // the receiver's organisation, not the register it addressed
        20835622828,    // an identity number in the HER-id field
    ])
    func notTheReceiver(_ answeringHerId: Int) throws {
        let original = try Self.registerDialog.parsed()
        let refusal = AppRecBuildError.notOriginalReceiver(answeringHerId: answeringHerId, receiverHerId: 10037004)
        #expect(throws: refusal) {
            try AppRecBuilder.build(answering: original, answeringHerId: answeringHerId, status: .ok, id: UUID(), genDate: .now)
        }
        #expect(refusal.description.contains("its receiver is HER-id 10037004"))
        #expect(!refusal.description.contains("20835622828"))
    }

    @Test("Every refusal reads as a sentence for an operator")
    func descriptions() {
        let refusals: [AppRecBuildError] = [
            .rejectedWithoutErrors, .okWithErrors, .originalIsAppRec,
            .invalidErrorEntry(index: 0, problem: .missingCode),
            .originalUnreadable(.missingElement("MsgInfo/MsgId")),
            .notOriginalReceiver(answeringHerId: 10037002, receiverHerId: nil),
        ]
        #expect(refusals.map(\.description) == [
            "an AppRec with status Rejected must name at least one error",
            "an AppRec with status Ok cannot name errors; use OkErrorInMessagePart",
            "the original message is an AppRec, which is never answered with an AppRec",
            "error 1 of the list has no error code",
            "the original message cannot be answered: required element MsgInfo/MsgId is missing or empty",
            "HER-id 10037002 is not the receiver of the original message (it names no receiver HER-id); "
                + "only the receiver answers with an AppRec",
        ])
    }
}
