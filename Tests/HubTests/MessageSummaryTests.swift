import Foundation
@testable import Hub
import Testing

/// What the REST API and webhooks say of a stored message, read from its document.
@Suite(.timeLimit(.minutes(1)))
struct MessageSummaryTests {
    func summary(genDate: String?) throws -> MessageSummary {
        var body = try Examples.message("innsyn_bruk.xml")
        if let genDate { body = body.replacingOccurrences(of: "2026-03-04T10:15:00+01:00", with: genDate) }
        return MessageSummary(
            messageId: "m-1", fromHerId: 10037002, toHerId: 10037004, contentType: nil, body: Array(body.utf8), status: .accepted)
    }

    /// REST contract: times are RFC 3339 UTC, the document's own time included.
    @Test func theDocumentsTimeIsGivenInUTC() throws {
        let summary = try summary(genDate: nil)
        #expect(summary.businessDocumentGenDate == "2026-03-04T09:15:00.000Z")
        #expect(summary.businessDocumentId == "35bf992d-c9e9-4616-a12e-7696a6cecc1b")
    }

    /// A time without offset is Norwegian time: an hour ahead of UTC in winter, two in summer.
    @Test func aTimeWithoutOffsetIsNorwegianTime() throws {
        #expect(try summary(genDate: "2026-01-15T12:00:00").businessDocumentGenDate == "2026-01-15T11:00:00.000Z")
        #expect(try summary(genDate: "2025-05-26T00:00:00.5").businessDocumentGenDate == "2025-05-25T22:00:00.500Z")
    }
}
