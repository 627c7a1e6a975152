import AddressRegistry
import Foundation

/// A register's form order as it passed the checks, about to be stored (proms.md §1).
package struct NewPromsOrder: Sendable, Equatable {
    package var registerHerId: Int
    /// The register's own reference: with `registerHerId`, what makes a repeated order the same one.
    package var registerReference: String
    package var formId: String
    package var nationalId: NationalIdentityNumber
    /// `YYYY-MM-DD`, as the register gave it: the last Norwegian day the form can be answered.
    package var expiryDate: String
    /// The end of that day: hubd tries to place the order until then.
    package var deadline: Date
    package var distributionRule: PromsDistributionRule
    /// What the register wants passed to the service with the order; nil when it gave none.
    package var metadata: JSONValue?

    package init(
        registerHerId: Int, registerReference: String, formId: String, nationalId: NationalIdentityNumber,
        expiryDate: String, deadline: Date, distributionRule: PromsDistributionRule, metadata: JSONValue?
    ) {
        self.registerHerId = registerHerId
        self.registerReference = registerReference
        self.formId = formId
        self.nationalId = nationalId
        self.expiryDate = expiryDate
        self.deadline = deadline
        self.distributionRule = distributionRule
        self.metadata = metadata
    }

    /// `metadata` as JSON text with its keys sorted: how it is stored and compared, so that the
    /// same object sent again with its keys in another order is the same order.
    package var metadataText: String? {
        metadata.flatMap { value in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
