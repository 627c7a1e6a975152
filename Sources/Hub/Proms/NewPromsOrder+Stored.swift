/// A register's order beside the one stored under the same reference.
extension NewPromsOrder {
    /// Whether the order stored under this register reference, as its row holds it, is this
    /// order sent again (answered with the stored order's id) rather than another order (a
    /// conflict). The metadata is compared as stored: `metadataText`, keys sorted.
    package func isStored(
        formId storedFormId: String, nationalId: String, expiryDate storedExpiryDate: String, distributionRule: Int,
        metadata: String?
    ) -> Bool {
        storedFormId == formId && nationalId == self.nationalId.digits && storedExpiryDate == expiryDate
            && distributionRule == self.distributionRule.rawValue && metadata == metadataText
    }
}
