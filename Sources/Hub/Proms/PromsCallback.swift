import AddressRegistry
import Foundation

/// A status report from the PROMs service about one of its orders (`PUT /api/PromsFormOrder`,
/// proms.md §3), once its key was checked and its fields read.
package struct PromsCallback: Sendable, Equatable {
    /// The service's id of the order.
    package var formOrderId: String
    package var event: Event
    /// How the service notified the patient, when it said.
    package var notificationChannel: String?

    package enum Event: Sendable, Equatable {
        case ordered
        /// The service's error code (`PatientUnreachable`, ...), when it gave one.
        case error(code: String?)
        case completed(PromsOrder.Answer)
        case expired
    }

    package init(formOrderId: String, event: Event, notificationChannel: String?) {
        self.formOrderId = formOrderId
        self.event = event
        self.notificationChannel = notificationChannel
    }

    /// The status the event moves the order to.
    package var status: PromsOrderStatus {
        switch event {
        case .ordered: .ordered
        case .error: .error
        case .completed: .completed
        case .expired: .expired
        }
    }
}
