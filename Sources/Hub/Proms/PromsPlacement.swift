/// What the PROMs service made of a form order.
package enum PromsPlacement: Sendable, Equatable {
    /// Created: the service's `formOrderId`, and the channel it will notify the patient by.
    case ordered(formOrderId: String, notificationChannel: String?)
    /// No order was created because the service does not know the patient (an all-zero id).
    case unknownPatient
    /// Refused for good (a 4xx): the order fails with this reason.
    case refused(String)
    /// Not placed this time (5xx, timeout, no connection): tried again with back-off.
    case unavailable(String)
}
