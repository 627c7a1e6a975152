/// The rule for a message function (`MsgInfo/Type/@V`, `X-MessageInfo-Type`, AMQP `type`):
/// 1 to 64 characters of `A`–`Z`, `0`–`9` and `_` (wire contract §2, check 1).
///
/// The schema sets no length limit, but the value travels in AMQP's `type` property, which holds
/// at most 255 bytes, and in logs: a value outside the rule is never copied anywhere.
package enum MessageFunction {
    package static let maximumLength = 64

    /// Whether `text` is a well-formed message function.
    package static func isWellFormed(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        }
    }
}
