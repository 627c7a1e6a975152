/// A message's transport state as NHN's API reports it, derived from hubd's status history.
package enum TransportDeliveryState: String, Sendable, Codable {
    /// Accepted, not yet handed over.
    case unconfirmed = "Unconfirmed"
    /// On the receiver's queue, pushed to its endpoint with a 2xx, or downloaded.
    case acknowledged = "Acknowledged"
    /// Refused by the receiver (an error message) or by its endpoint (a 4xx).
    case rejected = "Rejected"
    /// Expired or failed.
    case abandoned = "Abandoned"
}
