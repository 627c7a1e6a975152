/// Why a body is not one JSON text. Names the rule and the byte offset, never the bytes.
package struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset of the offending byte from the start of the body (0-based).
    package var offset: Int
    /// What is wrong there.
    package var reason: String

    package init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `at byte 12: expected ':' after a member name`
    package var description: String { "at byte \(offset): \(reason)" }
}
