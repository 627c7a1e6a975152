/// Masks Norwegian national identity numbers (fødselsnummer, D-number) in free text before
/// it is logged or sent anywhere.
///
/// Any run of exactly 11 ASCII digits becomes `***********`. Longer or shorter digit runs are
/// left alone: they are ids of other kinds (HER-ids, org numbers, timestamps), and masking
/// them would make logs useless without protecting anyone.
///
/// ```swift
/// NationalIdMask.mask("patient 19826606056 at 10037001")  // "patient *********** at 10037001"
/// ```
package enum NationalIdMask {
    /// Returns `text` with every run of exactly 11 digits replaced by 11 asterisks.
    package static func mask(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        var changed = false
        var runStart = 0
        var index = 0
        // One pass past the end so a run that ends the text is closed like any other.
        while index <= utf8.count {
            let isDigit = index < utf8.count && utf8[index] >= UInt8(ascii: "0") && utf8[index] <= UInt8(ascii: "9")
            if !isDigit {
                if index - runStart == 11 {
                    for position in runStart..<index { utf8[position] = UInt8(ascii: "*") }
                    changed = true
                }
                runStart = index + 1
            }
            index += 1
        }
        return changed ? String(decoding: utf8, as: UTF8.self) : text
    }
}
