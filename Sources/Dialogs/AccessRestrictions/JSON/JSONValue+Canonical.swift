extension JSONValue {
    /// The value written deterministically: no white space, object members sorted by their
    /// names' UTF-16 code units, strings with the shortest escapes (`\"`, `\\`, `\n` and the
    /// other one-letter escapes, `\u00XX` for the remaining control characters) and every
    /// other character as UTF-8, integers in decimal. These are the rules of RFC 8785 (JSON
    /// Canonicalization Scheme) for everything but fractional numbers, which events do not
    /// carry; those are written in Swift's shortest form.
    ///
    /// Two documents that differ only in member order, white space or escaping have the same
    /// canonical bytes, so comparing them compares content.
    package var canonicalBytes: [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// `canonicalBytes` as a string, for reasons that quote a schema's values.
    package var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .null:
            output += "null".utf8
        case .bool(let value):
            output += (value ? "true" : "false").utf8
        case .integer(let value):
            output += String(value).utf8
        case .number(let value):
            output += String(value).utf8
        case .string(let text):
            Self.write(string: text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let names = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, name) in names.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.write(string: name, to: &output)
                output.append(UInt8(ascii: ":"))
                members[name]?.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func write(string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += #"\""#.utf8
            case UInt8(ascii: "\\"): output += #"\\"#.utf8
            case 0x08: output += #"\b"#.utf8
            case 0x09: output += #"\t"#.utf8
            case 0x0A: output += #"\n"#.utf8
            case 0x0C: output += #"\f"#.utf8
            case 0x0D: output += #"\r"#.utf8
            case 0x00..<0x20: output += #"\u00"#.utf8 + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
