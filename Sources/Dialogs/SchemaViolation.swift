/// The first schema error in a message, as the hub reports it to the sender.
///
/// `message` is libxml2's text with every quoted payload value replaced by `'…'` and any run
/// of exactly 11 digits masked, e.g.
/// `Element '{http://www.kith.no/xmlstds/msghead/2006-05-24}GenDate': '…' is not a valid value of the atomic type 'xs:dateTime'.`
package struct SchemaViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line of the offending element (1-based; 0 when libxml2 could not tell).
    package var line: Int
    /// What is wrong, naming elements, attributes and types but no values.
    package var message: String

    /// Creates a violation; `message` must already be free of payload values.
    package init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// `line 12: Element '{ns}GenDate': …`
    package var description: String { "line \(line): \(message)" }
}
