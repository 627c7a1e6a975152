import AddressRegistry
import Foundation

/// A PROMs order as the register sees it (`GET /proms/orders/{id}`, and the body of every
/// update pushed to it): never the patient's national identity number.
package struct PromsOrder: Sendable, Equatable, Encodable {
    /// hubd's id of the order.
    package var id: String
    package var registerHerId: Int
    package var registerReference: String
    package var formId: String
    package var status: PromsOrderStatus
    package var history: [Entry]
    /// The service's id of the order, once it confirmed it.
    package var formOrderId: String?
    /// How the service notified the patient, as it named it.
    package var notificationChannel: String?
    /// Present once the order is completed.
    package var answer: Answer?

    package init(
        id: String, registerHerId: Int, registerReference: String, formId: String, status: PromsOrderStatus,
        history: [Entry], formOrderId: String?, notificationChannel: String?, answer: Answer?
    ) {
        self.id = id
        self.registerHerId = registerHerId
        self.registerReference = registerReference
        self.formId = formId
        self.status = status
        self.history = history
        self.formOrderId = formOrderId
        self.notificationChannel = notificationChannel
        self.answer = answer
    }

    /// One status in the history, when hubd recorded it, and what came with it (the service's
    /// error code, why an order failed).
    package struct Entry: Sendable, Equatable, Encodable {
        package var status: PromsOrderStatus
        package var at: Date
        package var detail: String?

        package init(status: PromsOrderStatus, at: Date, detail: String?) {
            self.status = status
            self.at = at
            self.detail = detail
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            try container.encode(Timestamp.format(at), forKey: .at)
            try container.encode(detail, forKey: .detail)
        }

        private enum CodingKeys: String, CodingKey {
            case status, at, detail
        }
    }

    /// The patient's answer, as the service returned it.
    package struct Answer: Sendable, Equatable, Encodable {
        /// The form's data: the JSON the service sent as text, as JSON.
        package var formData: JSONValue
        package var signedFormId: String?
        package var completedAt: Date
        /// The service's `formDataWarnings`, as it sent them.
        package var warnings: JSONValue?

        package init(formData: JSONValue, signedFormId: String?, completedAt: Date, warnings: JSONValue?) {
            self.formData = formData
            self.signedFormId = signedFormId
            self.completedAt = completedAt
            self.warnings = warnings
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(formData, forKey: .formData)
            try container.encode(signedFormId, forKey: .signedFormId)
            try container.encode(Timestamp.format(completedAt), forKey: .completedAt)
            try container.encode(warnings ?? .null, forKey: .warnings)
        }

        private enum CodingKeys: String, CodingKey {
            case formData, signedFormId, completedAt, warnings
        }
    }

    // Absent values are written as null, so that every field is always there for the register.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(registerHerId, forKey: .registerHerId)
        try container.encode(registerReference, forKey: .registerReference)
        try container.encode(formId, forKey: .formId)
        try container.encode(status, forKey: .status)
        try container.encode(history, forKey: .history)
        try container.encode(formOrderId, forKey: .formOrderId)
        try container.encode(notificationChannel, forKey: .notificationChannel)
        try container.encode(answer, forKey: .answer)
    }

    private enum CodingKeys: String, CodingKey {
        case id, registerHerId, registerReference, formId, status, history, formOrderId, notificationChannel, answer
    }

    /// The JSON the register gets, keys sorted: the same bytes whichever way it is sent.
    package func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
