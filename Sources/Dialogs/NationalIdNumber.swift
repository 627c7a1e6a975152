/// The check digits of a Norwegian national identity number: fødselsnummer, D-number
/// (first digit raised by 4) and synthetic test numbers (month raised by 40 or 80, as in
/// Tenor), which all carry the same two mod-11 check digits.
///
/// The first check digit is 11 minus the weighted sum of the nine digits before it
/// (weights 3 7 6 1 8 9 4 5 2) modulo 11, the second 11 minus the weighted sum of the ten
/// before it (weights 5 4 3 2 7 6 5 4 3 2) modulo 11; 11 counts as 0, and a result of 10
/// means no number is issued with those nine digits. The date in the first six digits is not
/// checked: the variants above move it about, and the check digits are what catch typing
/// errors.
///
/// ```swift
/// NationalIdNumber.hasValidCheckDigits("19826606056")  // true
/// NationalIdNumber.hasValidCheckDigits("19826606057")  // false
/// ```
package enum NationalIdNumber {
    private static let firstWeights = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    private static let secondWeights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]

    /// Whether `text` is 11 ASCII digits whose last two are the mod-11 check digits of the
    /// digits before them.
    package static func hasValidCheckDigits(_ text: String) -> Bool {
        let digits = text.utf8.map { Int($0) - Int(UInt8(ascii: "0")) }
        guard digits.count == 11, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        return checkDigit(of: digits[0..<9], weights: firstWeights) == digits[9]
            && checkDigit(of: digits[0..<10], weights: secondWeights) == digits[10]
    }

    /// The check digit of `digits` with `weights`; nil where none exists (remainder 1).
    private static func checkDigit(of digits: ArraySlice<Int>, weights: [Int]) -> Int? {
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let digit = (11 - sum % 11) % 11
        return digit == 10 ? nil : digit
    }
}
