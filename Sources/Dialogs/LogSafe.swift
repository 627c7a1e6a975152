/// The one function every value from outside goes through before it is logged.
///
/// Header values, message ids, payload names and error texts reach hubd from parties it does
/// not control. Logged as they are, an identity number in a header lands in the log, and a
/// CR/LF in a header forges a log line of its own. `LogSafe.text` masks every run of exactly
/// 11 digits (`NationalIdMask`), escapes control characters (`\n`, `\r`, `\t`, others as
/// `\u{1B}`) and backslashes so that the escaping cannot be faked, and cuts the value to a
/// bounded length.
///
/// ```swift
/// LogSafe.text("20835622828\r\nlevel=critical")  // "***********\\r\\nlevel=critical"
/// ```
package enum LogSafe {
    /// Longest value logged, in characters; longer ones are cut and end in `…`.
    package static let maximumLength = 200

    /// `value` masked, escaped and cut to `limit` characters; `-` for nil. Without
    /// `escapingBackslashes` a backslash stays as it is: for text that went through this function
    /// already (the log handler's second pass), so that it is not escaped twice.
    package static func text(_ value: String?, limit: Int = maximumLength, escapingBackslashes: Bool = true) -> String {
        guard let value else { return "-" }
        let masked = NationalIdMask.mask(value)
        var output = ""
        output.reserveCapacity(min(masked.utf8.count, limit + 8))
        var count = 0
        for scalar in masked.unicodeScalars {
            if count >= limit {
                output += "…"
                // The cut may end a longer run of digits after exactly 11 of them, which
                // masking the whole value left alone: masked again, now that it ends there.
                return NationalIdMask.mask(output)
            }
            switch scalar {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\\" where escapingBackslashes: output += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    output += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return output
    }

    /// `text` cut at a character boundary to at most `bytes` bytes of UTF-8, for fields with a
    /// byte limit (an AMQP short string holds 255).
    package static func cut(_ text: String, toBytes bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var output = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > bytes { break }
            output.append(character)
            used += size
        }
        return output
    }
}
