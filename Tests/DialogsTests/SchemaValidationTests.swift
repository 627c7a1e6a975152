import Foundation
import Testing
@testable import Dialogs

@Suite("Schema validation")
struct SchemaValidationTests {
    private static let msgHeadNamespace = "{\(KnownNamespace.msgHead)}"
    private static let dialogNamespace = "{\(KnownNamespace.dialog11)}"

    private func violation(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> SchemaViolation {
        let parsed = try Fixtures.parser.parse(body)
        return try #require(parsed.validate(with: try Fixtures.schemas()), sourceLocation: sourceLocation)
    }

    private func violation(in file: String, replacing target: String, with replacement: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> SchemaViolation {
        try violation(try Fixtures.example(file, replacing: target, with: replacement, sourceLocation: sourceLocation),
                      sourceLocation: sourceLocation)
    }

    @Test("The bundled schemas know the message namespaces and their imports")
    func knownNamespaces() throws {
        let known = try Fixtures.schemas().knownNamespaces
        #expect(known.isSuperset(of: [
            KnownNamespace.msgHead, KnownNamespace.appRec11, KnownNamespace.appRec10,
            KnownNamespace.dialog11, KnownNamespace.dialog10,
            "http://www.kith.no/xmlstds", "http://www.kith.no/xmlstds/felleskomponent1",
            "http://www.kith.no/xmlstds/base64container", "http://www.w3.org/2000/09/xmldsig#",
        ]))
        #expect(!known.contains("http://hl7.org/fhir"))
    }

    @Test("A directory without the schemas is reported")
    func missingDirectory() {
        let directory = URL(fileURLWithPath: "/nonexistent/hubd-schemas")
        #expect(throws: SchemaLoadError.notFound(path: "/nonexistent/hubd-schemas/all-messages.xsd")) {
            try DialogSchemas(directory: directory)
        }
    }

    @Test("A bad GenDate names the element and type, not the value")
    func badGenDate() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<GenDate>2026-03-04T10:15:00+01:00</GenDate>", with: "<GenDate>yesterday</GenDate>")
        #expect(found == SchemaViolation(
            line: 6,
            message: "Element '\(Self.msgHeadNamespace)GenDate': '…' is not a valid value of the atomic type 'xs:dateTime'."))
        #expect(found.description.hasPrefix("line 6: Element "))
    }

    @Test("A value with quotes and a national id is removed whole")
    func quotedValue() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<GenDate>2026-03-04T10:15:00+01:00</GenDate>",
            with: "<GenDate>  O'Brien  \(Fixtures.patientId) 'x' </GenDate>")
        #expect(found.message == "Element '\(Self.msgHeadNamespace)GenDate': '…' is not a valid value of the atomic type 'xs:dateTime'.")
    }

    @Test("An 11-digit value is masked even where a value is reported")
    func nationalIdAsDate() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<GivenName>Kari</GivenName>",
            with: "<GivenName>Kari</GivenName><DateOfBirth>\(Fixtures.patientId)</DateOfBirth>")
        #expect(found.line == 13)
        #expect(found.message == "Element '\(Self.msgHeadNamespace)DateOfBirth': '…' is not a valid value of the atomic type 'xs:date'.")
        #expect(!found.description.contains(Fixtures.patientId))
    }

    @Test("Patient ids of the wrong length in a typed field leak no digits", arguments: ["1982660605", "198266060561"])
    func wrongLengthIds(id: String) throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<GivenName>Kari</GivenName>",
            with: "<GivenName>Kari</GivenName><DateOfBirth>\(id)</DateOfBirth>")
        #expect(!found.message.contains(id.prefix(6)), "\(found)")
    }

    @Test("A bad attribute value (pattern facet) keeps the attribute and facet names only")
    func patternFacet() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "S=\"2.16.578.1.12.4.1.1.8116\"", with: "S=\"fnr \(Fixtures.patientId)\"")
        #expect(found.line == 14)
        #expect(found.message
            == "Element '\(Self.msgHeadNamespace)TypeId', attribute 'S': [facet 'pattern'] The value '…' is not accepted by the pattern '…'.")
    }

    @Test("A bad union-typed attribute value is hidden")
    func unionAttribute() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<IssueDate V=\"2026-03-04T10:15:00+01:00\"/>", with: "<IssueDate V=\"secret-date\"/>")
        #expect(found.message
            == "Element '\(Self.msgHeadNamespace)IssueDate', attribute 'V': '…' is not a valid value of the local union type.")
    }

    @Test("A wrong fixed value is hidden")
    func fixedValue() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<MIGversion>v1.2 2006-05-24</MIGversion>", with: "<MIGversion>v1.3 secret</MIGversion>")
        #expect(found == SchemaViolation(
            line: 5,
            message: "Element '\(Self.msgHeadNamespace)MIGversion': The actual value '…' does not match the fixed value constraint '…'."))
    }

    @Test("A missing required element is named with what was expected")
    func missingElement() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<MsgId>35bf992d-c9e9-4616-a12e-7696a6cecc1b</MsgId>", with: "")
        #expect(found == SchemaViolation(
            line: 8,
            message: "Element '\(Self.msgHeadNamespace)Ack': This element is not expected. Expected is ( \(Self.msgHeadNamespace)MsgId )."))
    }

    @Test("An unknown element and an attribute that is not allowed")
    func unexpectedElementAndAttribute() throws {
        let element = try violation(in: "innsyn_bruk.xml", replacing: "<Ack V=\"J\" DN=\"Ja\"/>", with: "<Ack V=\"J\"/><Bogus>secret</Bogus>")
        #expect(element.line == 8)
        #expect(element.message.hasPrefix("Element '\(Self.msgHeadNamespace)Bogus': This element is not expected. Expected is one of ("))
        #expect(!element.message.contains("secret"))

        let attribute = try violation(in: "apprec-ok.xml", replacing: "<Status V=\"1\" DN=\"OK\"/>", with: "<Status V=\"1\" Note=\"secret\"/>")
        #expect(attribute == SchemaViolation(
            line: 9,
            message: "Element '{\(KnownNamespace.appRec11)}Status', attribute 'Note': The attribute 'Note' is not allowed."))
    }

    @Test("Text where only elements are allowed is reported without the text")
    func characterContent() throws {
        let found = try violation(in: "innsyn_bruk.xml", replacing: "<Content>", with: "<Content>secret note")
        #expect(found.message == "Element '\(Self.msgHeadNamespace)Content': Character content other than whitespace is not allowed because the content type is 'element-only'.")
    }

    @Test("An AppRec with a bad date in OriginalMsgId")
    func appRecDate() throws {
        let found = try violation(
            in: "apprec-ok.xml", replacing: "<IssueDate>2026-03-04T10:15:00+01:00</IssueDate>", with: "<IssueDate>2026-13-04</IssueDate>")
        #expect(found == SchemaViolation(
            line: 13,
            message: "Element '{\(KnownNamespace.appRec11)}IssueDate': '…' is not a valid value of the atomic type 'xs:dateTime'."))
    }

    private static let fhirPatient = """
        <Patient xmlns="http://hl7.org/fhir"><identifier><value value="\(Fixtures.patientId)"/></identifier><unknownThing/></Patient>
        """

    @Test("A payload in a namespace without a schema (FHIR) is carried unvalidated")
    func fhirContent() throws {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let start = try #require(text.range(of: "<Dialogmelding"))
        let end = try #require(text.range(of: "</Dialogmelding>"))
        let body = Array((String(text[..<start.lowerBound]) + Self.fhirPatient + String(text[end.upperBound...])).utf8)
        let parsed = try Fixtures.parser.parse(body)
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
        #expect(parsed.message?.id == "35bf992d-c9e9-4616-a12e-7696a6cecc1b")
    }

    @Test("A payload without a namespace is carried unvalidated")
    func noNamespaceContent() throws {
        let parsed = try Fixtures.parser.parse(try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<Content>", with: "<Content><note xmlns=\"\">anything</note>"))
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("Next to a foreign payload, a Dialogmelding is still validated")
    func dialogNextToFhir() throws {
        let text = try Fixtures.text("innsyn_bruk.xml").replacingOccurrences(of: "<Content>", with: "<Content>" + Self.fhirPatient)
        #expect(try Fixtures.parse(text).validate(with: try Fixtures.schemas()) == nil)

        let broken = try Fixtures.parse(text.replacingOccurrences(of: "<TypeForesp", with: "<Bogus/><TypeForesp"))
        let found = try #require(broken.validate(with: try Fixtures.schemas()))
        #expect(found.message.hasPrefix("Element '\(Self.dialogNamespace)Bogus': This element is not expected."), "\(found)")
    }

    @Test("A Dialogmelding with a wrong element fails")
    func badDialogmelding() throws {
        let found = try violation(in: "innsyn_bruk.xml", replacing: "<TypeForesp", with: "<Bogus>secret</Bogus><TypeForesp")
        #expect(found == SchemaViolation(
            line: 22,
            message: "Element '\(Self.dialogNamespace)Bogus': This element is not expected. Expected is ( \(Self.dialogNamespace)TypeForesp )."))
    }

    @Test("An unknown element in a known payload namespace fails under the strict wildcard")
    func unknownElementInKnownNamespace() throws {
        let found = try violation(
            in: "innsyn_bruk.xml", replacing: "<Content>", with: "<Content><Ukjent xmlns=\"\(KnownNamespace.dialog11)\"/>")
        #expect(found.line == 21)
        #expect(found.message.hasPrefix("Element '\(Self.dialogNamespace)Ukjent': No matching global element declaration available"))
    }
}
