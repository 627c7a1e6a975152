/// Checks that a body is UTF-8, the only encoding the wire contract allows, before libxml2
/// sees it: libxml2 would otherwise switch to UTF-16 on a byte-order mark (or on `<` followed
/// by NUL), or to whatever encoding the XML declaration names.
///
/// The same pass finds the first character XML forbids anywhere (control characters other
/// than tab, line feed and carriage return; U+FFFE and U+FFFF). That is not an encoding
/// error but a well-formedness one, and libxml2 would report it; the caller needs its
/// position because libxml2 stops a comment, processing instruction or CDATA section at such
/// a character and reads the rest of it as markup, which a scan of the markup must not miss.
///
/// A UTF-8 byte-order mark is allowed. An XML declaration may name `UTF-8` or `UTF8`, in any
/// case: libxml2 reads both as UTF-8 without converting anything, and Java writes `UTF8`.
enum EncodingCheck {
    /// Verifies `bytes`; returns the offset of the first character XML does not allow, or nil.
    static func verify(_ bytes: UnsafeBufferPointer<UInt8>) throws(DialogError) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        if count >= 4, (base[0] == 0 && base[1] == 0 && base[2] == 0xFE && base[3] == 0xFF)
            || (base[0] == 0xFF && base[1] == 0xFE && base[2] == 0 && base[3] == 0) {
            throw .notUTF8(reason: "the body starts with a UTF-32 byte-order mark")
        }
        if count >= 2, (base[0] == 0xFE && base[1] == 0xFF) || (base[0] == 0xFF && base[1] == 0xFE) {
            throw .notUTF8(reason: "the body starts with a UTF-16 byte-order mark")
        }
        try checkDeclaration(base, count: count, start: utf8BOMLength(bytes))
        return try firstForbiddenCharacter(base, count: count)
    }

    /// 3 when `bytes` starts with a UTF-8 byte-order mark, else 0.
    static func utf8BOMLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Validates the UTF-8 and finds the first character XML does not allow.
    private static func firstForbiddenCharacter(_ base: UnsafePointer<UInt8>, count: Int) throws(DialogError) -> Int? {
        let raw = UnsafeRawPointer(base)
        var forbidden: Int?
        var index = 0
        while index < count {
            // Eight ASCII bytes at a time, none of them a control character: most bodies are
            // almost entirely that, and this keeps the check cheap even in debug builds.
            if index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0,
                   (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 == 0 {
                    index &+= 8
                    continue
                }
            }
            let lead = base[index]
            if lead < 0x80 {
                if lead < 0x20 {
                    if lead == 0 {
                        throw .notUTF8(reason: "NUL byte at offset \(index) (UTF-16 or UTF-32 without a byte-order mark?)")
                    }
                    if lead != 0x09, lead != 0x0A, lead != 0x0D, forbidden == nil { forbidden = index }
                }
                index += 1
                continue
            }
            let length = sequenceLength(base, count: count, at: index)
            guard length > 0 else { throw .notUTF8(reason: "invalid UTF-8 at byte offset \(index)") }
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
            if length == 3, lead == 0xEF, base[index + 1] == 0xBF, base[index + 2] >= 0xBE, forbidden == nil {
                forbidden = index
            }
            index += length
        }
        return forbidden
    }

    /// The length of the well-formed UTF-8 sequence of two or more bytes at `index`, or 0 when
    /// it is not one (Unicode table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
    static func sequenceLength(_ base: UnsafePointer<UInt8>, count: Int, at index: Int) -> Int {
        let lead = base[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index + length <= count else { return 0 }
        let second = base[index + 1]
        guard second >= low, second <= high else { return 0 }
        for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }

    /// Refuses an XML declaration that names an encoding other than UTF-8.
    ///
    /// libxml2 reads a declaration only at the very start (after a byte-order mark) and, well
    /// formed or not, never past its first `>`; every `encoding = "…"` before that is checked,
    /// so no malformed declaration can slip another encoding past this check.
    private static func checkDeclaration(_ base: UnsafePointer<UInt8>, count: Int, start: Int) throws(DialogError) {
        guard count - start >= 6, base[start] == ASCII.lessThan, base[start + 1] == ASCII.question,
              base[start + 2] == UInt8(ascii: "x"), base[start + 3] == UInt8(ascii: "m"),
              base[start + 4] == UInt8(ascii: "l"), ByteSearch.isBlank(base[start + 5]) else { return }
        let end = ByteSearch.find(ASCII.greaterThan, in: base, from: start + 6, to: count) ?? count
        var index = start + 6
        // Compared byte by byte rather than through a helper: a hostile declaration can be
        // megabytes long, and this must stay linear and cheap even unoptimised.
        let e = UInt8(ascii: "e")
        while index + 8 <= end {
            defer { index += 1 }
            guard base[index] == e, base[index + 1] == UInt8(ascii: "n"),
                  base[index + 2] == UInt8(ascii: "c"), base[index + 3] == UInt8(ascii: "o"),
                  base[index + 4] == UInt8(ascii: "d"), base[index + 5] == UInt8(ascii: "i"),
                  base[index + 6] == UInt8(ascii: "n"), base[index + 7] == UInt8(ascii: "g") else { continue }
            var cursor = index + 8
            while cursor < end, ByteSearch.isBlank(base[cursor]) { cursor += 1 }
            guard cursor < end, base[cursor] == ASCII.equals else { continue }
            cursor += 1
            while cursor < end, ByteSearch.isBlank(base[cursor]) { cursor += 1 }
            guard cursor < end, base[cursor] == ASCII.quote || base[cursor] == ASCII.apostrophe else { continue }
            let valueStart = cursor + 1
            guard let valueEnd = ByteSearch.find(base[cursor], in: base, from: valueStart, to: end) else { continue }
            guard isUTF8Name(UnsafeBufferPointer(start: base + valueStart, count: valueEnd - valueStart)) else {
                throw .notUTF8(reason: "the XML declaration names an encoding other than UTF-8")
            }
        }
    }

    /// `UTF-8` or `UTF8`, in any case.
    private static func isUTF8Name(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count == 4 || value.count == 5 else { return false }
        let upper = value.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 0x20 : $0 }
        return upper.elementsEqual("UTF-8".utf8) || upper.elementsEqual("UTF8".utf8)
    }
}
