import AddressRegistry
import Foundation

/// What hubd asks the PROMs service to order (proms.md §2): one stored order, with the
/// patient's national identity number, which only this request carries out of hubd.
package struct PromsFormOrder: Sendable {
    /// hubd's order id: the idempotency key of the request.
    package var id: String
    package var formId: String
    package var nationalId: NationalIdentityNumber
    /// `YYYY-MM-DD`, as the register gave it.
    package var expiryDate: String
    package var distributionRule: PromsDistributionRule
    /// The service's `metadata`, JSON text: `{"hubdOrderId": ..., "registerMetadata": ...}`, so
    /// that whoever reads the order at the service can find it in hubd, and the register's own
    /// metadata travels as it asked.
    package var metadata: String

    package init(
        id: String, formId: String, nationalId: NationalIdentityNumber, expiryDate: String,
        distributionRule: PromsDistributionRule, registerMetadata: JSONValue?
    ) throws {
        self.id = id
        self.formId = formId
        self.nationalId = nationalId
        self.expiryDate = expiryDate
        self.distributionRule = distributionRule
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let wrapped = JSONValue.object(["hubdOrderId": .string(id), "registerMetadata": registerMetadata ?? .null])
        metadata = String(decoding: try encoder.encode(wrapped), as: UTF8.self)
    }
}
