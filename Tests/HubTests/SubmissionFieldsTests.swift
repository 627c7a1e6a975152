@testable import Hub
import Testing

/// Check 1's reading of a submission's content type (wire contract §2).
@Suite struct SubmissionFieldsTests {
    @Test(arguments: [
        ("application/xml", "application/xml"),
        (" Application/XML ; charset=utf-8", "application/xml"),
        ("text/plain;charset=utf-8", "text/plain"),
        ("  ", ""),
        ("", ""),
        ("application/xml\u{3000}", "application/xml\u{3000}"),
    ])
    func theMediaTypeIsReadWithoutParametersOrSpaces(_ contentType: String, _ expected: String) {
        #expect(SubmissionFields.mediaType(contentType) == expected)
    }

    @Test func aContentTypeWithAControlOrOver255BytesHasNone() {
        #expect(SubmissionFields.mediaType("application/xml\t") == nil)
        #expect(SubmissionFields.mediaType("application/xml\u{85}") == nil)
        #expect(SubmissionFields.mediaType("application/xml;" + String(repeating: "a", count: 240)) == nil)
        #expect(SubmissionFields.mediaType(nil) == nil)
    }

    @Test func onlyXMLAndPlainTextAreAccepted() {
        #expect(SubmissionFields.isAcceptedContentType("application/xml; charset=utf-8"))
        #expect(SubmissionFields.isAcceptedContentType("TEXT/PLAIN"))
        #expect(!SubmissionFields.isAcceptedContentType("application/json"))
        #expect(!SubmissionFields.isAcceptedContentType("application/xml\u{3000}"))
        #expect(!SubmissionFields.isAcceptedContentType(nil))
    }
}
