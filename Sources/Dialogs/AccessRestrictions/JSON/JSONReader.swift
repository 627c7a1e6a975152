/// Reads one JSON text (RFC 8259) from UTF-8 bytes into a `JSONValue`.
///
/// Stricter than Foundation's readers where they would let two readers see different
/// documents: a member name given twice in one object is refused (Foundation's
/// `JSONDecoder` keeps the first, Python's `json` the last), as are a byte-order mark,
/// unpaired surrogate escapes (`"\ud800"`) and numbers too large for a `Double`. Nesting is
/// bounded by `maximumDepth`, so a hostile body cannot exhaust the stack.
///
/// ```swift
/// let value = try JSONReader.read(body)   // throws JSONReadError
/// ```
package struct JSONReader {
    /// Deepest nesting of arrays and objects accepted. An event nests three levels.
    package static let maximumDepth = 32

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The value `bytes` holds, with nothing but white space around it.
    package static func read(_ bytes: [UInt8]) throws(JSONReadError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        reader.skipWhiteSpace()
        let value = try reader.readValue()
        reader.skipWhiteSpace()
        guard reader.position == bytes.count else { throw reader.failure("text after the JSON value") }
        return value
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func failure(_ reason: String, at offset: Int? = nil) -> JSONReadError {
        JSONReadError(offset: offset ?? position, reason: reason)
    }

    private mutating func skipWhiteSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ reason: String) throws(JSONReadError) {
        guard current == byte else { throw failure(reason) }
        position += 1
    }

    private mutating func readValue() throws(JSONReadError) -> JSONValue {
        guard let byte = current else { throw failure("the text ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw failure("expected a value")
        }
    }

    private mutating func readLiteral(_ literal: String) throws(JSONReadError) {
        let start = position
        for byte in literal.utf8 {
            guard current == byte else { throw failure("expected a value", at: start) }
            position += 1
        }
    }

    private mutating func enterNesting() throws(JSONReadError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested more than \(Self.maximumDepth) levels deep") }
        position += 1
    }

    private mutating func readObject() throws(JSONReadError) -> JSONValue {
        try enterNesting()
        var members: [String: JSONValue] = [:]
        skipWhiteSpace()
        if current == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhiteSpace()
            let nameStart = position
            guard current == UInt8(ascii: "\"") else { throw failure("expected a member name") }
            let name = try readString()
            guard members[name] == nil else { throw failure("a member name is given twice in one object", at: nameStart) }
            skipWhiteSpace()
            try expect(UInt8(ascii: ":"), "expected ':' after a member name")
            skipWhiteSpace()
            members[name] = try readValue()
            skipWhiteSpace()
            if current == UInt8(ascii: "}") { break }
            try expect(UInt8(ascii: ","), "expected ',' or '}' in an object")
        }
        position += 1
        depth -= 1
        return .object(members)
    }

    private mutating func readArray() throws(JSONReadError) -> JSONValue {
        try enterNesting()
        var elements: [JSONValue] = []
        skipWhiteSpace()
        if current == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhiteSpace()
            elements.append(try readValue())
            skipWhiteSpace()
            if current == UInt8(ascii: "]") { break }
            try expect(UInt8(ascii: ","), "expected ',' or ']' in an array")
        }
        position += 1
        depth -= 1
        return .array(elements)
    }

    private mutating func readString() throws(JSONReadError) -> String {
        let start = position
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw failure("a string is not closed", at: start) }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("a string is not UTF-8", at: start) }
                return text
            case UInt8(ascii: "\\"):
                try readEscape(into: &utf8)
            case 0x00..<0x20:
                throw failure("a control character in a string must be escaped", at: position - 1)
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func readEscape(into utf8: inout [UInt8]) throws(JSONReadError) {
        let start = position - 1
        guard let letter = current else { throw failure("a string is not closed", at: start) }
        position += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(letter)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var value = try readHexQuad(escapeStart: start)
            if (0xD800..<0xDC00).contains(value) {
                // A high surrogate counts only with the low one escaped right after it.
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw failure("an unpaired surrogate escape", at: start)
                }
                position += 2
                let low = try readHexQuad(escapeStart: start)
                guard (0xDC00..<0xE000).contains(low) else { throw failure("an unpaired surrogate escape", at: start) }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(value) {
                throw failure("an unpaired surrogate escape", at: start)
            }
            guard let scalar = Unicode.Scalar(value) else { throw failure("an invalid \\u escape", at: start) }
            utf8 += String(Character(scalar)).utf8
        default:
            throw failure("an invalid escape in a string", at: start)
        }
    }

    private mutating func readHexQuad(escapeStart: Int) throws(JSONReadError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexValue(byte) else { throw failure("an invalid \\u escape", at: escapeStart) }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func readNumber() throws(JSONReadError) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            guard skipDigits() > 0 else { throw failure("a number has no digits", at: start) }
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() > 0 else { throw failure("a number has no digits after '.'", at: start) }
            isInteger = false
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() > 0 else { throw failure("a number has no digits in its exponent", at: start) }
            isInteger = false
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        // Integers too long for an Int are read as Doubles, like any other number.
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else { throw failure("a number is too large", at: start) }
        return JSONValue(number: value)
    }

    /// Skips ASCII digits; how many there were.
    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
        return position - start
    }
}
