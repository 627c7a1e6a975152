import Foundation
@testable import Hub
import Testing

/// What the REST API and webhooks say of a stored message, read from its document.
@Suite(.timeLimit(.minutes(1)))
struct MessageSummaryTests {
    /// REST contract: times are RFC 3339 UTC, the document's own time included.
    @Test func theDocumentsTimeIsGivenInUTC() throws {
        let body = Array(try Examples.message("innsyn_bruk.xml").utf8)
        let summary = MessageSummary(
            messageId: "m-1", fromHerId: 10037002, toHerId: 10037004, contentType: nil, body: body, status: .accepted)
        #expect(summary.businessDocumentGenDate == "2026-03-04T09:15:00Z")
        #expect(summary.businessDocumentId == "35bf992d-c9e9-4616-a12e-7696a6cecc1b")
    }

    /// A time without offset is Norwegian time: an hour ahead of UTC in winter, two in summer.
    @Test func aTimeWithoutOffsetIsNorwegianTime() {
        #expect(MessageSummary.utc("2026-01-15T12:00:00") == "2026-01-15T11:00:00Z")
        #expect(MessageSummary.utc("2025-05-26T00:00:00") == "2025-05-25T22:00:00Z")
        #expect(MessageSummary.utc("not a time") == nil)
    }
}
