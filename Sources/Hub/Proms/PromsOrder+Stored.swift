import AddressRegistry
import Foundation

/// What both stores make of an order's row: its answer, and the notification that tells the
/// register of a change.
extension PromsOrder {
    /// The description of the `PromsOrderUpdated` notification that tells the register its
    /// order took `change`, with what came with it (an error code, why it failed).
    package static func updateDescription(_ change: PromsOrderStatus, detail: String?) -> String {
        var description = "PROMs order \(change.rawValue)"
        if let detail { description += ": \(detail)" }
        return description
    }
}

extension PromsOrder.Answer {
    /// The answer as its order's row keeps it; nil while the order has none (the form data and
    /// the completion time are written together, when the service reports the order completed).
    package init?(
        storedFormData formData: String?, signedFormId: String?, completedAt: Double?, warnings: String?
    ) throws(CorruptRecord) {
        guard let formData, let completedAt else { return nil }
        var storedWarnings: PromsJSON?
        if let warnings { storedWarnings = try PromsJSON(storedText: warnings) }
        self.init(
            formData: try PromsJSON(storedText: formData), signedFormId: signedFormId,
            completedAt: Date(timeIntervalSince1970: completedAt), warnings: storedWarnings)
    }
}
