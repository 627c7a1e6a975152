/// Finds a document type declaration before libxml2 sees the document, so that an entity
/// declaration (billion laughs, external entities) is never parsed at all.
///
/// A DOCTYPE can only stand in the prolog: after the XML declaration, comments, processing
/// instructions and white space, and before the root element. The scan walks exactly that
/// and stops at the first other thing. NUL bytes are skipped, which makes the same scan work
/// for UTF-16 and UTF-32 documents, where every ASCII character comes with NULs. Documents
/// in other encodings (EBCDIC) end the scan early; the parsed tree is checked as well.
enum DoctypeDetector {
    static func containsDoctype(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = Scanner(bytes: bytes)
        while let byte = scanner.peek() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF, 0xFE, 0xFF:
                // White space and byte-order marks.
                scanner.advance()
            case UInt8(ascii: "<"):
                if scanner.hasPrefix("<!DOCTYPE") { return true }
                if scanner.hasPrefix("<?") {
                    guard scanner.skip(past: "?>") else { return false }
                } else if scanner.hasPrefix("<!--") {
                    guard scanner.skip(past: "-->") else { return false }
                } else {
                    return false
                }
            default:
                return false
            }
        }
        return false
    }

    /// A cursor over the non-NUL bytes of the document.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            skipNULs()
        }

        func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func advance() {
            position += 1
            skipNULs()
        }

        func hasPrefix(_ prefix: StaticString) -> Bool {
            var copy = self
            return copy.consume(prefix)
        }

        /// Moves past the next occurrence of `terminator`; false when there is none.
        mutating func skip(past terminator: StaticString) -> Bool {
            while peek() != nil {
                if consume(terminator) { return true }
                advance()
            }
            return false
        }

        private mutating func consume(_ literal: StaticString) -> Bool {
            var copy = self
            let matched = literal.withUTF8Buffer { buffer in
                buffer.allSatisfy { byte in
                    guard copy.peek() == byte else { return false }
                    copy.advance()
                    return true
                }
            }
            if matched { self = copy }
            return matched
        }

        private mutating func skipNULs() {
            while position < bytes.count, bytes[position] == 0 { position += 1 }
        }
    }
}
