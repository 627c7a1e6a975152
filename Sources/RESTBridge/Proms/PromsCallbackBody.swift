import AddressRegistry
import Foundation
import Hub

/// The body of the PROMs service's `PUT /api/PromsFormOrder` (proms.md §3), as ePROM sends it.
/// Fields hubd does not use (`scannedPaperId`, `formOrderEventLog`, ...) are ignored.
struct PromsCallbackBody: Decodable, Sendable {
    var apiKey: String?
    var formOrderId: String?
    var formOrderStatus: String?
    var formOrderStatusErrorCode: JSONValue?
    var notificationChannel: JSONValue?
    var timestamp: String?
    /// A string of JSON (tolerated: JSON itself).
    var formData: JSONValue?
    var signedFormId: JSONValue?
    var formDataWarnings: JSONValue?

    /// The callback the hub records; nil when its id or status is missing or unknown.
    func callback(receivedAt now: Date) -> PromsCallback? {
        guard let formOrderId, !formOrderId.isEmpty, formOrderId.utf8.count <= 255, let formOrderStatus else { return nil }
        let event: PromsCallback.Event
        switch formOrderStatus.lowercased() {
        case "ordered": event = .ordered
        case "error": event = .error(code: formOrderStatusErrorCode?.text)
        case "expired": event = .expired
        case "completed":
            event = .completed(PromsOrder.Answer(
                formData: Self.json(formData), signedFormId: signedFormId?.text,
                completedAt: timestamp.flatMap(PromsCalendar.timestamp) ?? now,
                warnings: formDataWarnings == .null ? nil : formDataWarnings))
        default: return nil
        }
        return PromsCallback(formOrderId: formOrderId, event: event, notificationChannel: notificationChannel?.text)
    }

    /// The form data as JSON: the text the service sent, parsed. Text that is not JSON is kept
    /// as a JSON string rather than refused: refusing would lose the patient's answer.
    private static func json(_ value: JSONValue?) -> JSONValue {
        guard case .string(let text)? = value else { return value ?? .null }
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }
}
