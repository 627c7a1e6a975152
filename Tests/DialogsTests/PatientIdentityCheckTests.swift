import Testing
@testable import Dialogs

/// What reading a MsgHead says of its patient's FNR: whether the check digits hold, never the number.
@Suite("Patient identity check digits", .timeLimit(.minutes(1)))
struct PatientIdentityCheckTests {
    private func patientIdentity(_ body: [UInt8]) throws -> PatientIdentityCheck {
        guard case .msgHead(let info) = try Fixtures.parser.parse(body).requireMessage() else {
            throw CheckFailure()
        }
        return info.patientIdentity
    }

    struct CheckFailure: Error {}

    @Test("The examples' synthetic FNR is valid", arguments: Fixtures.msgHeadExamples)
    func examples(name: String) throws {
        #expect(try patientIdentity(Fixtures.bytes(name)) == .valid)
    }

    @Test("Wrong check digits, a wrong length or letters are invalid", arguments: ["19826606057", "19826606065", "1982660605", "198266060561", "1982660605X"])
    func invalid(number: String) throws {
        let body = try Fixtures.example("innsyn_bruk.xml", replacing: "<Id>\(Fixtures.patientId)</Id>", with: "<Id>\(number)</Id>")
        #expect(try patientIdentity(body) == .invalidCheckDigits)
    }

    @Test("An identity of another type is not checked")
    func otherType() throws {
        let body = try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<Id>\(Fixtures.patientId)</Id><TypeId V=\"FNR\"", with: "<Id>19826606057</Id><TypeId V=\"DNR\"")
        #expect(try patientIdentity(body) == .absent)
    }

    @Test("A patient in a PatientReport is checked too")
    func patientReport() throws {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let start = try #require(text.range(of: "<Patient>"))
        let end = try #require(text.range(of: "</Patient>"))
        let patient = String(text[start.lowerBound..<end.upperBound]).replacingOccurrences(of: Fixtures.patientId, with: "19826606057")
        // MsgInfo without its patient; a PatientReport holding it (its CaseNo and Document first, as the schema orders them).
        var moved = String(text[..<start.lowerBound]) + String(text[end.upperBound...])
        let document = try #require(moved.range(of: "<Document>"))
        let documentEnd = try #require(moved.range(of: "</Document>"))
        let documentText = String(moved[document.lowerBound..<documentEnd.upperBound])
        moved.replaceSubrange(document.lowerBound..<documentEnd.upperBound, with: "<PatientReport><CaseNo>1</CaseNo>\(documentText)\(patient)</PatientReport>")
        #expect(try patientIdentity(Array(moved.utf8)) == .invalidCheckDigits)
    }

    @Test("Without a patient there is nothing to check")
    func noPatient() throws {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let start = try #require(text.range(of: "<Patient>"))
        let end = try #require(text.range(of: "</Patient>"))
        #expect(try patientIdentity(Array((String(text[..<start.lowerBound]) + String(text[end.upperBound...])).utf8)) == .absent)
    }
}
