/// The `errorCondition` values hubd sends in error messages.
package enum ErrorCondition: String, Sendable, Codable, CaseIterable {
    case invalidFieldValue = "transport:invalid-field-value"
    case notWellFormedXML = "transport:not-well-formed-xml"
    case unsupportedMessage = "transport:unsupported-message"
    case spoofingAttack = "abuse:spoofing-attack"
    /// hubd's own: the message was not sent before its expiry.
    case expired = "transport:expired"
    /// hubd's own: the message could not be delivered and will not be retried.
    case deliveryFailed = "transport:delivery-failed"
    /// The receiver's endpoint refused the message (an HTTP 4xx from its webhook).
    case rejectedByReceiver = "transport:rejected-by-receiver"
}
