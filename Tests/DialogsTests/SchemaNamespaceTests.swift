import Foundation
import Testing
@testable import Dialogs

/// `X-MessageInfo-SchemaNamespace` as Helsenorge.Messaging's `MetadataHelper` writes it.
@Suite("The schema namespace header")
struct SchemaNamespaceTests {
    /// `innsyn_bruk.xml` with its one `RefDoc` replaced by `refDoc`'s content.
    private func msgHead(refDoc: String) throws -> ParsedDialog {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let start = try #require(text.range(of: "<RefDoc>"))
        let end = try #require(text.range(of: "</RefDoc>"))
        return try Fixtures.parse(String(text[..<start.upperBound]) + refDoc + String(text[end.lowerBound...]))
    }

    private static let issued = "<IssueDate V=\"2026-03-04T10:15:00+01:00\"/>"
    private static let dialogmelding = "<Dialogmelding xmlns=\"\(KnownNamespace.dialog11)\"><Foresporsel>"
        + "<TypeForesp V=\"F03\" S=\"2.16.578.1.12.4.1.1.7605\"/><Sporsmal>?</Sporsmal></Foresporsel></Dialogmelding>"
    private static let base64 = "<Base64Container xmlns=\"http://www.kith.no/xmlstds/base64container\">QUJD</Base64Container>"

    @Test("Helsenorge.Messaging's own Dialogmelding 1.1 fixture gives the Dialogmelding namespace",
          .enabled(if: Fixtures.hasPublicFixtures))
    func helsenorgeFixture() throws {
        let parsed = try Fixtures.parser.parse(
            try Fixtures.publicFixture("helsenorge-Helsenorge.Messaging/MetadataTestsDialogmelding11.xml"))
        #expect(try parsed.requireMessage().schemaNamespace == "http://www.kith.no/xmlstds/dialog/2013-01-23")
    }

    @Test("Helsenorge.Messaging's AppRec fixtures give the AppRec's own namespace", .enabled(if: Fixtures.hasPublicFixtures),
          arguments: [("MetadataTests_Apprec10.xml", KnownNamespace.appRec10), ("MetadataTests_Apprec11.xml", KnownNamespace.appRec11)])
    func helsenorgeAppRecs(file: String, namespace: String) throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.publicFixture("helsenorge-Helsenorge.Messaging/\(file)"))
        #expect(try parsed.requireMessage().schemaNamespace == namespace)
    }

    @Test("A Dialogmelding 1.0 message with attachments gives the first document's namespace",
          .enabled(if: Fixtures.hasPublicFixtures))
    func firstOfSeveralDocuments() throws {
        let parsed = try Fixtures.parser.parse(
            try Fixtures.publicFixture("navikt-helsemelding-message-converter/message_with_attachments.xml"))
        #expect(try parsed.requireMessage().schemaNamespace == KnownNamespace.dialog10)
    }

    @Test("A payload without a schema keeps its namespace after validation has removed it")
    func foreignPayload() throws {
        let parsed = try msgHead(refDoc: Self.issued + "<MsgType V=\"XML\"/><Content><Bundle xmlns=\"http://hl7.org/fhir\">"
            + "<type value=\"document\"/></Bundle></Content>")
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
        #expect(parsed.message?.schemaNamespace == "http://hl7.org/fhir")
    }

    @Test("The payload element's own namespace counts, whatever its prefix, and a comment before it is skipped")
    func prefixedPayload() throws {
        let prefixed = Self.dialogmelding
            .replacingOccurrences(of: "<Dialogmelding xmlns=", with: "<d:Dialogmelding xmlns:d=")
            .replacingOccurrences(of: "</Dialogmelding>", with: "</d:Dialogmelding>")
            .replacingOccurrences(of: "<Foresporsel>", with: "<d:Foresporsel>")
            .replacingOccurrences(of: "</Foresporsel>", with: "</d:Foresporsel>")
            .replacingOccurrences(of: "<TypeForesp", with: "<d:TypeForesp")
            .replacingOccurrences(of: "<Sporsmal>?</Sporsmal>", with: "<d:Sporsmal>?</d:Sporsmal>")
        let parsed = try msgHead(refDoc: Self.issued + "<MsgType V=\"XML\"/><Content><!-- note -->" + prefixed + "</Content>")
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
        #expect(parsed.message?.schemaNamespace == KnownNamespace.dialog11)
    }

    @Test("A base64 attachment as the first document gives the base64 container's namespace")
    func base64First() throws {
        let parsed = try msgHead(refDoc: Self.issued + "<MsgType V=\"A\"/><MimeType>application/pdf</MimeType><Content>"
            + Self.base64 + "</Content>")
        #expect(parsed.message?.schemaNamespace == "http://www.kith.no/xmlstds/base64container")
    }

    @Test("No header when the first document has no payload element, even if a later one has", arguments: [
        "<MsgType V=\"A\"/><MimeType>application/pdf</MimeType><FileReference>https://example.org/a.pdf</FileReference>",
        "<MsgType V=\"XML\"/><Content></Content>",
        "<MsgType V=\"XML\"/><Content>  <!-- nothing --> </Content>",
        "<MsgType V=\"XML\"/><Content><payload xmlns=\"\">no namespace</payload></Content>",
    ])
    func none(refDoc: String) throws {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let second = "<Document><RefDoc>" + Self.issued + "<MsgType V=\"XML\"/><Content>" + Self.dialogmelding
            + "</Content></RefDoc></Document>"
        let body = try #require(text.range(of: "</MsgHead>")).lowerBound
        let parsed = try msgHead(refDoc: Self.issued + refDoc)
        #expect(parsed.message != nil)
        #expect(parsed.message?.schemaNamespace == nil)
        let twoDocuments = String(text[..<body]) + second + String(text[body...])
        let start = try #require(twoDocuments.range(of: "<RefDoc>"))
        let end = try #require(twoDocuments.range(of: "</RefDoc>"))
        let replaced = String(twoDocuments[..<start.upperBound]) + Self.issued + refDoc + String(twoDocuments[end.lowerBound...])
        #expect(try Fixtures.parse(replaced).message?.schemaNamespace == nil)
    }

    @Test("A document under PatientReport counts like any other")
    func patientReport() throws {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let document = try #require(text.range(of: "<Document>"))
        let end = try #require(text.range(of: "</Document>"))
        let body = String(text[..<document.lowerBound]) + "<PatientReport><CaseNo>1</CaseNo><Document><RefDoc>" + Self.issued
            + "<MsgType V=\"A\"/><Content>" + Self.base64 + "</Content></RefDoc></Document></PatientReport>"
            + String(text[end.upperBound...])
        let parsed = try Fixtures.parse(body)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
        #expect(parsed.message?.schemaNamespace == "http://www.kith.no/xmlstds/base64container")
    }

    @Test("A namespace from the payload is masked and bounded like other names from it")
    func maskedAndBounded() throws {
        let masked = try msgHead(refDoc: Self.issued + "<MsgType V=\"XML\"/><Content><x xmlns=\"urn:patient:19826606056\"/></Content>")
        #expect(masked.message?.schemaNamespace == "urn:patient:***********")
        let long = "urn:" + String(repeating: "a", count: 1_000)
        let bounded = try msgHead(refDoc: Self.issued + "<MsgType V=\"XML\"/><Content><x xmlns=\"\(long)\"/></Content>")
        #expect(bounded.message?.schemaNamespace == String(long.prefix(DiagnosticRedactor.maximumLength)) + "…")
    }
}
