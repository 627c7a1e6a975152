/// The one rule for reading a HER-id, from a header or from a payload.
///
/// A HER-id is 1 to 9 ASCII digits with a value above zero (wire contract §2, check 1). An
/// 11-digit value is a national identity number, never a HER-id, and white space, signs or
/// other characters make the value no HER-id at all.
///
/// ```swift
/// HerId.parse("10037004")     // 10037004
/// HerId.parse("20835622828")  // nil: 11 digits
/// ```
package enum HerId {
    /// The most digits a HER-id has.
    package static let maximumDigits = 9

    /// The HER-id `text` spells, or nil when it is not one.
    package static func parse(_ text: String?) -> Int? {
        guard let text else { return nil }
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < maximumDigits else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 && value > 0 ? value : nil
    }

    /// Whether a number is a HER-id (JSON carries them as numbers): 1 to 999 999 999.
    package static func isValid(_ value: Int) -> Bool {
        value > 0 && value <= 999_999_999
    }
}
