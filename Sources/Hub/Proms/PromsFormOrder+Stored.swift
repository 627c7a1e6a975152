/// The request a stored order makes.
extension PromsFormOrder {
    /// The request of the order stored under `id`, from its row's columns; a `CorruptRecord`
    /// saying which of them no longer reads.
    package init(
        id: String, formId: String, storedNationalId: String, expiryDate: String, storedDistributionRule: Int,
        storedMetadata: String?
    ) throws(CorruptRecord) {
        guard let nationalId = NationalIdentityNumber(storedNationalId) else {
            throw CorruptRecord("its stored national identity number does not read")
        }
        guard let rule = PromsDistributionRule(rawValue: storedDistributionRule) else {
            throw CorruptRecord("its stored distribution rule is unknown")
        }
        do {
            var metadata: PromsJSON?
            if let storedMetadata { metadata = try PromsJSON(storedText: storedMetadata) }
            self = try PromsFormOrder(
                id: id, formId: formId, nationalId: nationalId, expiryDate: expiryDate, distributionRule: rule,
                registerMetadata: metadata)
        } catch {
            throw CorruptRecord("its stored metadata is not JSON")
        }
    }
}
