/// Why no HelseID token could be had, in an operator's words: what HelseID answered (its OAuth
/// `error` and `error_description`) or why it could not be reached. It never holds a token, an
/// assertion or key material.
package struct HelseIDError: Error, Sendable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
