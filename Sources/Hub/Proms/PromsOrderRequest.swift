import AddressRegistry
import Dialogs
import Foundation

/// A form order as a register sends it (`POST /proms/orders`), every field as given, before
/// the checks. `validated(now:)` turns it into the order hubd stores, or says what is wrong
/// without repeating a value.
///
/// ```swift
/// let order = try request.validated(now: Date())   // throws InvalidPromsOrder
/// ```
package struct PromsOrderRequest: Sendable, Decodable {
    package var registerHerId: Int?
    package var registerReference: String?
    package var formId: String?
    package var nationalId: String?
    package var expiryDate: String?
    /// A name (`Basic`) or a number (0–8); `Basic` when absent, as the service's default.
    package var distributionRule: PromsJSON?
    package var metadata: PromsJSON?

    package init(
        registerHerId: Int?, registerReference: String?, formId: String?, nationalId: String?, expiryDate: String?,
        distributionRule: PromsJSON? = nil, metadata: PromsJSON? = nil
    ) {
        self.registerHerId = registerHerId
        self.registerReference = registerReference
        self.formId = formId
        self.nationalId = nationalId
        self.expiryDate = expiryDate
        self.distributionRule = distributionRule
        self.metadata = metadata
    }

    /// The most bytes of a reference or form id: they are ids, not documents.
    static let maximumIdBytes = 255
    /// The most bytes of the metadata, as JSON text: it travels in the service's `metadata` string.
    static let maximumMetadataBytes = 64 * 1024

    /// The order, checked: every required field present, HER-id and national identity number
    /// well-formed, `expiryDate` a date not in the past (Norwegian time), a known distribution
    /// rule, ids short and free of identity numbers (they come back in every answer).
    package func validated(now: Date) throws(InvalidPromsOrder) -> NewPromsOrder {
        guard let registerHerId else { throw InvalidPromsOrder("registerHerId is missing") }
        guard HerId.isValid(registerHerId) else { throw InvalidPromsOrder("registerHerId is not a HER-id") }
        let reference = try Self.id(registerReference, "registerReference")
        let form = try Self.id(formId, "formId")
        guard let nationalId else { throw InvalidPromsOrder("nationalId is missing") }
        guard let number = NationalIdentityNumber(nationalId) else {
            throw InvalidPromsOrder("nationalId is not a national identity number (11 digits with valid check digits)")
        }
        guard let expiryDate else { throw InvalidPromsOrder("expiryDate is missing") }
        guard let end = PromsCalendar.endOfDay(expiryDate) else {
            throw InvalidPromsOrder("expiryDate must be a date (YYYY-MM-DD)")
        }
        guard end > now else { throw InvalidPromsOrder("expiryDate is in the past") }
        let order = NewPromsOrder(
            registerHerId: registerHerId, registerReference: reference, formId: form, nationalId: number,
            expiryDate: expiryDate, deadline: end, distributionRule: try rule(), metadata: metadata == .null ? nil : metadata)
        if let text = order.metadataText, text.utf8.count > Self.maximumMetadataBytes {
            throw InvalidPromsOrder("metadata is larger than \(Self.maximumMetadataBytes) bytes as JSON")
        }
        return order
    }

    private func rule() throws(InvalidPromsOrder) -> PromsDistributionRule {
        let unknown = InvalidPromsOrder(
            "distributionRule must be one of \(PromsDistributionRule.allCases.map(\.name).joined(separator: ", ")), or 0 to 8")
        switch distributionRule {
        case nil, .null?: return .basic
        case .string(let name)?: guard let rule = PromsDistributionRule(name: name) else { throw unknown }; return rule
        case .integer(let number)?: guard let rule = PromsDistributionRule(rawValue: Int(number)) else { throw unknown }; return rule
        default: throw unknown
        }
    }

    private static func id(_ value: String?, _ name: String) throws(InvalidPromsOrder) -> String {
        guard let value else { throw InvalidPromsOrder("\(name) is missing") }
        guard !value.isEmpty, value.utf8.count <= maximumIdBytes else {
            throw InvalidPromsOrder("\(name) must be 1 to \(maximumIdBytes) bytes")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw InvalidPromsOrder("\(name) holds control characters")
        }
        guard !NationalIdMask.containsNationalId(value) else {
            throw InvalidPromsOrder("\(name) must not hold a national identity number")
        }
        return value
    }
}
