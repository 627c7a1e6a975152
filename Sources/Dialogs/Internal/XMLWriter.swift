/// Writes an XML document as text, one element per line, indented by depth, escaping every
/// value. Element and attribute names are the caller's literals and are written as given.
struct XMLWriter {
    /// The document so far, starting with its XML declaration.
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0

    /// Opens `name`; attributes whose value is nil are left out.
    mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
        line("<\(name)\(Self.attributeText(attributes))>")
        depth += 1
    }

    /// Closes `name`, opened last.
    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    /// An element holding `value` as text; nothing when `value` is nil.
    mutating func element(_ name: String, _ value: String?) {
        guard let value else { return }
        line("<\(name)>\(Self.escaped(value, inAttribute: false))</\(name)>")
    }

    /// An empty element with attributes; those whose value is nil are left out.
    mutating func empty(_ name: String, _ attributes: [(String, String?)]) {
        line("<\(name)\(Self.attributeText(attributes))/>")
    }

    private mutating func line(_ markup: String) {
        text += String(repeating: "  ", count: depth) + markup + "\n"
    }

    private static func attributeText(_ attributes: [(String, String?)]) -> String {
        attributes.reduce(into: "") { text, attribute in
            if let value = attribute.1 { text += " \(attribute.0)=\"\(escaped(value, inAttribute: true))\"" }
        }
    }

    /// `value` with the markup characters escaped, and the white space a parser would change
    /// written as character references: a parser turns CR and CR LF into LF everywhere, and
    /// tab and line feed into spaces in attribute values, so only references keep them.
    static func escaped(_ value: String, inAttribute: Bool) -> String {
        var output = ""
        output.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\r": output += "&#13;"
            case "\"" where inAttribute: output += "&quot;"
            case "\t" where inAttribute: output += "&#9;"
            case "\n" where inAttribute: output += "&#10;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Whether every character of `value` may appear in an XML 1.0 document at all, escaped or
    /// not: no control character other than tab, line feed and carriage return, no U+FFFE or
    /// U+FFFF (a Swift string holds no surrogates).
    static func isCarriable(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { scalar in
            scalar.value >= 0x20 ? scalar.value != 0xFFFE && scalar.value != 0xFFFF : scalar == "\t" || scalar == "\n" || scalar == "\r"
        }
    }
}
