import Dialogs

/// A Norwegian national identity number (fødselsnummer, D-number, or a synthetic test number)
/// whose mod-11 check digits are right (`NationalIdNumber`, the check access-restriction
/// events use too).
///
/// The number never prints: `description` is masked, so a value that reaches a log or an
/// error text by mistake says nothing.
///
/// ```swift
/// NationalIdentityNumber("13897210066")?.digits   // "13897210066" (a synthetic test number)
/// NationalIdentityNumber("13897210067")           // nil: the second check digit is wrong
/// ```
package struct NationalIdentityNumber: Sendable, Hashable, CustomStringConvertible {
    /// The 11 digits. Only for the PROMs service's request and the store.
    package let digits: String

    /// The number `text` spells, or nil when it is not 11 ASCII digits with both check digits right.
    package init?(_ text: String) {
        guard NationalIdNumber.hasValidCheckDigits(text) else { return nil }
        digits = text
    }

    package var description: String { "***********" }
}
