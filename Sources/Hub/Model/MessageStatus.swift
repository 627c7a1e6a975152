/// A status in a message's history (wire contract §5). A status appears at most once.
package enum MessageStatus: String, Sendable, Codable, CaseIterable {
    case accepted
    case sent
    case delivered
    case acknowledged
    case acknowledgedWithErrors = "acknowledged-with-errors"
    case rejected
    case expired
    case failed
}
