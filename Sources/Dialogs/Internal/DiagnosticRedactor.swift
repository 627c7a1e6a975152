/// Turns libxml2 diagnostics into text that is safe to log and to send to the sender.
///
/// libxml2 quotes payload values in its messages (`'xyz' is not a valid value of the atomic
/// type 'xs:dateTime'`), but it quotes names the same way. A quoted text is kept only where
/// libxml2's templates put a name (after `Element`, `attribute`, `type`, `facet` or
/// `content type is`) or when it is one punctuation character (`'<'`); every other quoted text
/// becomes `'…'`. Values that themselves contain a quote would defeat that rule, so the
/// values of the element an error is about are removed by exact match first, and where the
/// message ends inside one (libxml2 cuts messages at 64,000 bytes) everything from its start
/// is dropped. Whatever is left is masked for national identity numbers and cut to a bounded
/// length.
enum DiagnosticRedactor {
    /// Longest diagnostic kept; libxml2 can quote names of any length.
    static let maximumLength = 400

    /// How much of a message's first line is looked at, in bytes: comfortably more than
    /// `maximumLength` characters, and small enough that hiding values in it stays cheap
    /// however long they are.
    private static let workingLength = 4_096

    private static let quote = UInt8(ascii: "'")

    private static let nameContexts = ["Element ", "element ", "attribute ", "type ", "facet ", "content type is "]

    /// Redacts one libxml2 message. `values` are payload values the message may quote
    /// (the attribute values and text of the element the error is about).
    static func redact(_ message: String, values: [String] = []) -> String {
        var text = workingPrefix(of: firstLine(of: message))
        for value in values where value.utf8.contains(quote) {
            text = hide(Array(value.utf8.prefix(text.count)), length: value.utf8.count, in: text)
            let collapsed = collapsedWhiteSpace(value, upTo: text.count)
            text = hide(collapsed.bytes, length: collapsed.complete ? collapsed.bytes.count : .max, in: text)
        }
        return bounded(redactQuotedValues(String(decoding: text, as: UTF8.self)))
    }

    /// Masks and bounds a name taken from the payload (an element name or namespace URI).
    static func name(_ name: String) -> String {
        bounded(name)
    }

    /// Later lines of a libxml2 message quote the document itself (`Bytes: 0x…`, the start of
    /// an unterminated comment), so only the first is kept; encoding errors append the input
    /// bytes to it (`…, bytes 0x82 0xFF`), and a double hyphen in a comment the comment's
    /// start (`Double hyphen within comment: <!--…`), which are cut too.
    private static func firstLine(of message: String) -> String {
        var line = message.prefix { $0 != "\n" && $0 != "\r" }
        if let bytes = line.firstRange(of: ", bytes 0x") { line = line[..<bytes.lowerBound] }
        if let comment = line.firstRange(of: "<!--") { line = line[..<comment.lowerBound] }
        return String(line[..<(line.lastIndex { $0 != " " && $0 != ":" }.map(line.index(after:)) ?? line.startIndex)])
    }

    /// At most `workingLength` bytes of `line`, ending on a character boundary.
    private static func workingPrefix(of line: String) -> [UInt8] {
        var bytes = Array(line.utf8.prefix(workingLength + 1))
        guard bytes.count > workingLength else { return bytes }
        var end = workingLength
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        bytes.removeSubrange(end...)
        return bytes
    }

    /// `text` with every quoted occurrence of a value replaced by `'…'`; where `text` ends
    /// inside one, it ends with `'…` instead. `value` holds the value's first bytes, at least
    /// as many as `text` has; `length` is the whole value's (`.max` when unknown but longer).
    private static func hide(_ value: [UInt8], length: Int, in text: [UInt8]) -> [UInt8] {
        guard length > 0 else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            guard byte == quote else {
                output.append(byte)
                continue
            }
            let rest = text[index...]
            let fits = min(rest.count, length)
            if rest.starts(with: value.prefix(fits)) {
                if fits == length, rest.count > length, rest[index + length] == quote {
                    output += Array("'…'".utf8)
                    index += length + 1
                    continue
                }
                if fits < length {
                    // The message ends inside the value: nothing after its start is safe.
                    output += Array("'…".utf8)
                    return output
                }
            }
            output.append(byte)
        }
        return output
    }

    /// The value as libxml2 quotes a collapsed (`xs:token`) value: runs of white space as one
    /// space, none at either end. Only its first `limit` bytes are needed; `complete` says
    /// whether that is all of it.
    private static func collapsedWhiteSpace(_ value: String, upTo limit: Int) -> (bytes: [UInt8], complete: Bool) {
        var bytes: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace { bytes.append(0x20) }
            pendingSpace = false
            bytes.append(byte)
            if bytes.count > limit { return (bytes, false) }
        }
        return (bytes, true)
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

    /// Cut to `maximumLength` and masked, in that order: a cut through a longer digit run can
    /// leave exactly eleven digits.
    private static func bounded(_ text: String) -> String {
        NationalIdMask.mask(text.count <= maximumLength ? text : String(text.prefix(maximumLength)) + "…")
    }
}
