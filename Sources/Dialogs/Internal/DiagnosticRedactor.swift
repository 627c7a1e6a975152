/// Turns libxml2 diagnostics into text that is safe to log and to send to the sender.
///
/// libxml2 quotes payload values in its messages (`'xyz' is not a valid value of the atomic
/// type 'xs:dateTime'`), but it quotes names the same way. A quoted text is kept only where
/// libxml2's templates put a name (after `Element`, `attribute`, `type`, `facet` or
/// `content type is`) or when it is one punctuation character (`'<'`); every other quoted text
/// becomes `'…'`. Values that themselves contain a quote would defeat that rule, so the
/// values of the element an error is about are removed by exact match first. Whatever is
/// left is masked for national identity numbers and cut to a bounded length.
enum DiagnosticRedactor {
    /// Longest diagnostic kept; libxml2 can quote names of any length.
    static let maximumLength = 400

    private static let nameContexts = ["Element ", "element ", "attribute ", "type ", "facet ", "content type is "]

    /// Redacts one libxml2 message. `values` are payload values the message may quote
    /// (the attribute values and text of the element the error is about).
    static func redact(_ message: String, values: [String] = []) -> String {
        var text = firstLine(of: message)
        for value in values where value.contains("'") {
            text = text.replacing("'\(value)'", with: "'…'")
            let collapsed = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .joined(separator: " ")
            text = text.replacing("'\(collapsed)'", with: "'…'")
        }
        return bounded(NationalIdMask.mask(redactQuotedValues(text)))
    }

    /// Masks and bounds a name taken from the payload (an element name or namespace URI).
    static func name(_ name: String) -> String {
        bounded(NationalIdMask.mask(name))
    }

    /// Later lines of a libxml2 message quote the document itself (`Bytes: 0x…`, the start of
    /// an unterminated comment), so only the first is kept; encoding errors append the input
    /// bytes to it (`…, bytes 0x82 0xFF`), which are cut too.
    private static func firstLine(of message: String) -> String {
        var line = message.prefix { $0 != "\n" && $0 != "\r" }
        if let bytes = line.firstRange(of: ", bytes 0x") { line = line[..<bytes.lowerBound] }
        return String(line[..<(line.lastIndex { $0 != " " }.map(line.index(after:)) ?? line.startIndex)])
    }

    private static func redactQuotedValues(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "'") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "'") else {
                // An unterminated quote: whatever follows may be a value.
                output += "'…"
                return output
            }
            let quoted = rest[afterOpen..<close]
            let isName = nameContexts.contains { output.hasSuffix($0) }
            let isPunctuation = quoted.count == 1 && quoted.allSatisfy { $0.isPunctuation || $0.isSymbol }
            output += (isName || isPunctuation) ? "'\(quoted)'" : "'…'"
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return output
    }

    private static func bounded(_ text: String) -> String {
        text.count <= maximumLength ? text : String(text.prefix(maximumLength)) + "…"
    }
}
