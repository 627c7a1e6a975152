/// Reads the markup of a UTF-8 body in one linear pass, before libxml2 parses it, and
/// refuses bodies that would make libxml2 work harder than linearly (`ParseLimits`).
///
/// The counts are only worth something if they are upper bounds of what libxml2 does, so
/// the scan must never take for text, an attribute value, a comment, a processing
/// instruction or a CDATA section what libxml2 reads as markup. libxml2 keeps parsing after
/// most errors, picking up wherever the error left it, so the scan is strict: it follows
/// XML's grammar for everything that delimits markup, and at the first place where a body
/// leaves that grammar it stops and reports the offset (`Report.malformedAt`). The caller
/// then lets libxml2 parse only the body up to there, which is enough for libxml2 to find
/// and describe the error, and which the scan has bounded. The places it checks:
///
/// - A start tag is `<`, a name, then attributes `name = "value"` each after white space,
///   then `>` or `/>`. A value holds no `<`: libxml2 stops a value at `<` and may read the
///   rest of it as attributes.
/// - `&` starts one of the five predefined entity references or a character reference;
///   any other is an error in a document without a DTD, and its name would be interned.
/// - A comment ends at the first `--`, which must be followed by `>` (libxml2's fast path
///   does not end a comment at `--->`).
/// - A processing instruction's target starts with a name character, or libxml2 reads its
///   content as markup; the XML declaration ends at its first `>` whatever it holds, as in
///   libxml2.
/// - Comments, processing instructions, CDATA sections and attribute values are at most
///   10,000,000 bytes (libxml2's own limit, past which it resumes parsing inside them).
/// - `EncodingCheck` finds the first character XML forbids; the scan ends there, because
///   libxml2 ends a comment or CDATA section at such a character and parses on.
///
/// It does not check what cannot change where markup starts: name characters beyond the
/// first, matching end tags, a single root. libxml2 reports those, and where it abandons a
/// tag it only reads text up to the next `<`, which the scan also treats as markup.
struct MarkupScanner: ~Copyable {
    /// What a scan found.
    struct Report {
        /// The offset of the first byte where the body leaves the grammar the scan follows
        /// (the body's length when it ends inside a construct); nil when it does not.
        var malformedAt: Int?
        /// What the scan counted, for tests and for choosing limits.
        var statistics: Statistics
    }

    /// The largest counts a scan saw.
    struct Statistics: Equatable {
        var nodes = 0
        var depth = 0
        var attributesPerElement = 0
        var namespaceDeclarationsInScope = 0
        var distinctNames = 0
    }

    /// libxml2's `XML_MAX_TEXT_LENGTH`: longer comments, processing instructions, CDATA
    /// sections and attribute values make it stop inside them and parse the rest as markup.
    static let libxml2TextLimit = 10_000_000

    /// libxml2's own nesting limit (`xmlParserMaxDepth`); deeper bodies are refused anyway.
    static let libxml2DepthLimit = 256

    /// Scans `bytes[..<end]` (`end` is the first character XML forbids, or the length).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, upTo end: Int, limits: ParseLimits) throws(DialogError) -> Report {
        guard let base = bytes.baseAddress else { return Report(malformedAt: nil, statistics: Statistics()) }
        var scanner = MarkupScanner(base: base, count: bytes.count, end: min(end, bytes.count), limits: limits)
        scanner.position = EncodingCheck.utf8BOMLength(bytes)
        let malformed = try scanner.run()
        scanner.statistics.distinctNames = scanner.names.count
        return Report(malformedAt: malformed, statistics: scanner.statistics)
    }

    /// Where libxml2 should stop reading a body the scan found malformed at `offset`: past
    /// the offending character and the rest of its tag (up to a `>`, never into a `<`), so
    /// libxml2 describes the error as it would in the whole body, without parsing anything
    /// the scan has not bounded beyond a few bytes of the same tag.
    static func truncationEnd(_ bytes: UnsafeBufferPointer<UInt8>, malformedAt offset: Int) -> Int {
        guard offset < bytes.count else { return bytes.count }
        var index = offset + 1
        // A `<` is where libxml2 would start a tag the scan has not counted.
        guard bytes[offset] != ASCII.lessThan else { return index }
        let lookahead = min(bytes.count, index + 256)
        while index < lookahead, bytes[index] != ASCII.lessThan {
            index += 1
            if bytes[index - 1] == ASCII.greaterThan { break }
        }
        // Never end inside a UTF-8 sequence.
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
        return index
    }

    private let input: Input
    private let count: Int
    private var base: UnsafePointer<UInt8> { input.base }
    private var end: Int { input.end }
    private let limits: ParseLimits
    private let maxDepth: Int
    private var position = 0
    private var depth = 0
    private var nodes = 0
    private var namespacesInScope = 0
    private let memory: ScanMemory
    /// The namespace declarations of each open element, to take out of scope at its end tag.
    private let declarations: UnsafeMutableBufferPointer<Int>
    private var names: NameSet
    private var statistics = Statistics()

    private init(base: UnsafePointer<UInt8>, count: Int, end: Int, limits: ParseLimits) {
        input = Input(base: base, end: end)
        self.count = count
        self.limits = limits
        maxDepth = min(max(limits.maxDepth, 0), Self.libxml2DepthLimit)
        memory = ScanMemory.take()
        declarations = memory.declarations
        names = NameSet(limit: limits.maxDistinctNames, memory: memory)
    }

    deinit {
        ScanMemory.giveBack(memory)
    }

    private mutating func run() throws(DialogError) -> Int? {
        if let malformed = skipDeclaration() { return malformed }
        while position < end {
            let markup = ByteSearch.find(ASCII.lessThan, in: base, from: position, to: end) ?? end
            if let malformed = try text(from: position, to: markup) { return malformed }
            guard markup < end else { break }
            position = markup
            guard markup + 1 < end else { return end }
            let malformed: Int? = switch base[markup + 1] {
            case ASCII.slash: try endTag()
            case ASCII.question: try processingInstruction()
            case ASCII.exclamation: try commentOrCDATA()
            default: try startTag()
            }
            if let malformed { return malformed }
        }
        return end < count ? end : nil
    }

    // MARK: - Constructs

    /// libxml2 ends the XML declaration at its first `>`, however malformed it is, and
    /// parses on from there; a processing instruction would instead end at `?>`.
    private mutating func skipDeclaration() -> Int? {
        let start = position
        guard end - start >= 6, base[start] == ASCII.lessThan, base[start + 1] == ASCII.question,
              base[start + 2] == UInt8(ascii: "x"), base[start + 3] == UInt8(ascii: "m"),
              base[start + 4] == UInt8(ascii: "l"), ByteSearch.isBlank(base[start + 5]) else { return nil }
        guard let close = ByteSearch.find(ASCII.greaterThan, in: base, from: start + 6, to: end) else { return end }
        guard base[close - 1] == ASCII.question else { return close }
        position = close + 1
        return nil
    }

    private mutating func text(from start: Int, to stop: Int) throws(DialogError) -> Int? {
        let length = stop - start
        // libxml2 interns texts of at most three bytes and white space shorter than 60.
        if length > 0, length <= 3 || (length < 60 && input.isBlankRun(from: start, to: stop)) {
            try intern(from: start, to: stop)
        }
        return input.references(from: start, to: stop)
    }

    private mutating func startTag() throws(DialogError) -> Int? {
        let open = position
        var cursor = open + 1
        guard input.isNameStart(at: cursor) else { return cursor }
        let nameEnd = input.nameEnd(from: cursor)
        try intern(from: cursor, to: nameEnd)
        try countNode(at: open)
        // An empty element is as deep as one with content: libxml2 walks as many ancestors.
        let level = depth + 1
        if level > statistics.depth { statistics.depth = level }
        guard level <= maxDepth else { throw exceeded(.depth, at: open) }
        var attributes = 0
        var elementDeclarations = 0
        cursor = nameEnd
        while true {
            let blanks = cursor
            cursor = input.skipBlanks(from: cursor)
            guard cursor < end else { return end }
            // `if`, not `switch`: unoptimised, matching a case calls a generic `~=`.
            let byte = base[cursor]
            if byte == ASCII.greaterThan {
                depth = level
                declarations[depth - 1] = elementDeclarations
                position = cursor + 1
                return nil
            }
            if byte == ASCII.slash {
                guard cursor + 1 < end else { return end }
                guard base[cursor + 1] == ASCII.greaterThan else { return cursor + 1 }
                namespacesInScope -= elementDeclarations
                position = cursor + 2
                return nil
            }
            // libxml2 wants white space before each attribute ("attributes construct error").
            guard cursor > blanks else { return cursor }
            let attributeName = cursor
            let attributeNameEnd = input.nameEnd(from: cursor)
            guard attributeNameEnd > attributeName else { return cursor }
            cursor = attributeNameEnd
            guard cursor < end else { return end }
            if base[cursor] != ASCII.equals { cursor = input.skipBlanks(from: cursor) }
            guard cursor < end else { return end }
            guard base[cursor] == ASCII.equals else { return cursor }
            cursor += 1
            guard cursor < end else { return end }
            if base[cursor] != ASCII.quote, base[cursor] != ASCII.apostrophe { cursor = input.skipBlanks(from: cursor) }
            guard cursor < end else { return end }
            let quote = base[cursor]
            guard quote == ASCII.quote || quote == ASCII.apostrophe else { return cursor }
            let valueStart = cursor + 1
            guard let valueEnd = ByteSearch.find(quote, in: base, from: valueStart, to: end) else {
                // Unclosed: libxml2 stops the value at the first `<` and parses on from there.
                return ByteSearch.find(ASCII.lessThan, in: base, from: valueStart, to: end) ?? end
            }
            guard valueEnd - valueStart <= Self.libxml2TextLimit else {
                throw exceeded(.length("an attribute value"), at: attributeName)
            }
            if let malformed = input.attributeValue(from: valueStart, to: valueEnd) { return malformed }

            attributes += 1
            if attributes > statistics.attributesPerElement { statistics.attributesPerElement = attributes }
            guard attributes <= limits.maxAttributesPerElement else {
                throw exceeded(.attributes, at: open)
            }
            try countNode(at: attributeName)
            if input.isNamespaceDeclaration(from: attributeName, to: attributeNameEnd) {
                elementDeclarations += 1
                namespacesInScope += 1
                if namespacesInScope > statistics.namespaceDeclarationsInScope {
                    statistics.namespaceDeclarationsInScope = namespacesInScope
                }
                guard namespacesInScope <= limits.maxNamespaceDeclarationsInScope else {
                    throw exceeded(.namespaceDeclarations, at: attributeName)
                }
                // libxml2 interns every namespace URI.
                try intern(from: valueStart, to: valueEnd)
            } else {
                try intern(from: attributeName, to: attributeNameEnd)
                if valueEnd - valueStart <= 3 { try intern(from: valueStart, to: valueEnd) }
            }
            cursor = valueEnd + 1
        }
    }

    private mutating func endTag() throws(DialogError) -> Int? {
        var cursor = position + 2
        guard cursor < end else { return end }
        guard input.isNameStart(at: cursor) else { return cursor }
        let nameEnd = input.nameEnd(from: cursor)
        // A name that does not match the open element is interned when libxml2 reports it.
        try intern(from: cursor, to: nameEnd)
        cursor = input.skipBlanks(from: nameEnd)
        guard cursor < end else { return end }
        guard base[cursor] == ASCII.greaterThan, depth > 0 else { return cursor }
        depth -= 1
        namespacesInScope -= declarations[depth]
        position = cursor + 1
        return nil
    }

    private mutating func processingInstruction() throws(DialogError) -> Int? {
        let open = position
        let target = open + 2
        guard target < end else { return end }
        // Without a target libxml2 reports an error and reads the content as markup.
        guard input.isNameStart(at: target) else { return target }
        let targetEnd = input.nameEnd(from: target)
        try intern(from: target, to: targetEnd)
        var search = targetEnd
        while true {
            guard let question = ByteSearch.find(ASCII.question, in: base, from: search, to: end),
                  question + 1 < end else { return end }
            if base[question + 1] == ASCII.greaterThan {
                // libxml2 counts the content from after the blanks that follow the target.
                guard question - input.skipBlanks(from: targetEnd) <= Self.libxml2TextLimit else {
                    throw exceeded(.length("a processing instruction"), at: open)
                }
                try countNode(at: open)
                position = question + 2
                return nil
            }
            search = question + 1
        }
    }

    private mutating func commentOrCDATA() throws(DialogError) -> Int? {
        let open = position
        if input.hasPrefix("<!--", at: open) { return try comment() }
        if input.hasPrefix("<![CDATA[", at: open) { return try cdataSection() }
        // A DOCTYPE or anything else: libxml2 reports it; in content it is not markup at all.
        return open + 1
    }

    private mutating func comment() throws(DialogError) -> Int? {
        let open = position
        let contentStart = open + 4
        var search = contentStart
        while true {
            guard let dash = ByteSearch.find(ASCII.hyphen, in: base, from: search, to: end),
                  dash + 1 < end else { return end }
            if base[dash + 1] == ASCII.hyphen {
                guard dash + 2 < end else { return end }
                guard base[dash + 2] == ASCII.greaterThan else { return dash + 2 }
                guard dash - contentStart <= Self.libxml2TextLimit else {
                    throw exceeded(.length("a comment"), at: open)
                }
                try countNode(at: open)
                position = dash + 3
                return nil
            }
            search = dash + 1
        }
    }

    private mutating func cdataSection() throws(DialogError) -> Int? {
        let open = position
        let contentStart = open + 9
        var search = contentStart
        while true {
            guard let bracket = ByteSearch.find(ASCII.rightBracket, in: base, from: search, to: end),
                  bracket + 2 < end else { return end }
            if base[bracket + 1] == ASCII.rightBracket, base[bracket + 2] == ASCII.greaterThan {
                guard bracket - contentStart <= Self.libxml2TextLimit else {
                    throw exceeded(.length("a CDATA section"), at: open)
                }
                try countNode(at: open)
                position = bracket + 3
                return nil
            }
            search = bracket + 1
        }
    }

    // MARK: - Counting

    private mutating func countNode(at offset: Int) throws(DialogError) {
        nodes += 1
        statistics.nodes = nodes
        guard nodes <= limits.maxNodes else {
            throw exceeded(.nodes, at: offset)
        }
    }

    private mutating func intern(from start: Int, to stop: Int) throws(DialogError) {
        guard names.insert(UnsafeRawBufferPointer(start: base + start, count: stop - start)) else {
            throw exceeded(.distinctNames, at: start)
        }
    }

    /// What a body went over.
    private enum Limit {
        case attributes, namespaceDeclarations, depth, nodes, distinctNames
        /// libxml2's length limit, for the construct named.
        case length(String)
    }

    /// The error for going over `limit` at `offset`. Built here, not where it is thrown, to
    /// keep the scanning functions' frames small: unoptimised builds clear every local
    /// variable of a function on each call.
    private func exceeded(_ limit: Limit, at offset: Int) -> DialogError {
        let reason = switch limit {
        case .attributes: "an element has more than \(limits.maxAttributesPerElement) attributes"
        case .namespaceDeclarations: "more than \(limits.maxNamespaceDeclarationsInScope) namespace declarations are in scope"
        case .depth: "elements are nested more than \(maxDepth) deep"
        case .nodes:
            "more than \(limits.maxNodes) nodes (elements, attributes, comments, processing instructions and CDATA sections)"
        case .distinctNames: "more than \(limits.maxDistinctNames) distinct names"
        case .length(let construct): "\(construct) is longer than \(Self.libxml2TextLimit) bytes"
        }
        return .tooComplex(line: ByteSearch.line(of: offset, in: base), reason: reason)
    }

    /// The bytes scanned, and the lexical helpers that only read them. Apart from the scanner's
    /// state because a non-mutating method of the scanner was handed a copy of all of it
    /// (208 bytes) on every call: 2.7 % of parsing a 2 KiB message.
    private struct Input {
        let base: UnsafePointer<UInt8>
        /// The first byte not scanned.
        let end: Int

        /// Checks an attribute value: no `<`, and only references libxml2 resolves.
        func attributeValue(from start: Int, to stop: Int) -> Int? {
            // Most values are short: one pass over them is cheaper than two searches.
            guard stop - start > 32 else {
                var ampersand: Int?
                var index = start
                while index < stop {
                    let byte = base[index]
                    if byte == ASCII.lessThan { return index }
                    if byte == ASCII.ampersand, ampersand == nil { ampersand = index }
                    index += 1
                }
                return ampersand.flatMap { references(from: $0, to: stop) }
            }
            if let lessThan = ByteSearch.find(ASCII.lessThan, in: base, from: start, to: stop) { return lessThan }
            return references(from: start, to: stop)
        }

        /// Checks the entity references in text or an attribute value; returns where one breaks.
        func references(from start: Int, to stop: Int) -> Int? {
            var search = start
            while let ampersand = ByteSearch.find(ASCII.ampersand, in: base, from: search, to: stop) {
                let nameStart = ampersand + 1
                // At the end of a text that is the `<` of the next tag: libxml2 reports the
                // reference without it.
                guard nameStart < stop else { return ampersand }
                search = nameStart
                // libxml2 checks a character reference itself, and stops it before any character
                // that does not belong to it, so it cannot hide markup.
                if base[nameStart] == ASCII.hash { continue }
                let nameEnd = self.nameEnd(from: nameStart)
                guard nameEnd < stop, base[nameEnd] == ASCII.semicolon else { return min(nameEnd, stop) }
                guard isPredefinedEntity(from: nameStart, to: nameEnd) else { return nameEnd }
                search = nameEnd + 1
            }
            return nil
        }

        func skipBlanks(from start: Int) -> Int {
            var index = start
            // Every blank is at most a space: one comparison for most bytes.
            while index < end, base[index] <= ASCII.space, ByteSearch.isBlank(base[index]) { index += 1 }
            return index
        }

        func isBlankRun(from start: Int, to stop: Int) -> Bool {
            var index = start
            while index < stop {
                if !ByteSearch.isBlank(base[index]) { return false }
                index += 1
            }
            return true
        }

        /// The bytes that end a name-like token, as a bit set: all of them are below `@`.
        static let nameDelimiters: UInt64 = [
            ASCII.space, ASCII.tab, ASCII.lineFeed, ASCII.carriageReturn, ASCII.slash, ASCII.greaterThan, ASCII.equals,
            ASCII.lessThan, ASCII.quote, ASCII.apostrophe, ASCII.question, ASCII.ampersand, ASCII.semicolon,
        ].reduce(0) { $0 | 1 << UInt64($1) }

        /// The end of the name-like token at `start`: everything up to white space or a character
        /// that delimits markup. It may hold characters XML does not allow in names; libxml2
        /// reports those, and stops reading the tag at them, which never starts markup.
        func nameEnd(from start: Int) -> Int {
            let delimiters = Self.nameDelimiters
            var index = start
            while index < end {
                let byte = base[index]
                if byte < 0x40, delimiters & (1 << UInt64(byte)) != 0 { return index }
                index += 1
            }
            return index
        }

        /// Whether a name may start at `index` (XML 1.0 fifth edition `NameStartChar`, which is
        /// also what libxml2 accepts).
        func isNameStart(at index: Int) -> Bool {
            guard index < end else { return false }
            let lead = base[index]
            if lead < 0x80 {
                return (lead >= UInt8(ascii: "a") && lead <= UInt8(ascii: "z"))
                    || (lead >= UInt8(ascii: "A") && lead <= UInt8(ascii: "Z"))
                    || lead == ASCII.underscore || lead == ASCII.colon
            }
            let length = EncodingCheck.sequenceLength(base, count: end, at: index)
            guard length > 0 else { return false }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for offset in 1..<length { scalar = scalar << 6 | UInt32(base[index + offset] & 0x3F) }
            switch scalar {
            case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
                 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
                 0x10000...0xEFFFF:
                return true
            default:
                return false
            }
        }

        /// `xmlns` or `xmlns:…`; compared byte by byte because every attribute is checked.
        func isNamespaceDeclaration(from start: Int, to stop: Int) -> Bool {
            stop - start >= 5 && base[start] == 0x78 && base[start + 1] == 0x6D && base[start + 2] == 0x6C
                && base[start + 3] == 0x6E && base[start + 4] == 0x73
                && (stop - start == 5 || base[start + 5] == ASCII.colon)
        }

        func isPredefinedEntity(from start: Int, to stop: Int) -> Bool {
            switch stop - start {
            case 2: hasPrefix("lt", at: start) || hasPrefix("gt", at: start)
            case 3: hasPrefix("amp", at: start)
            case 4: hasPrefix("quot", at: start) || hasPrefix("apos", at: start)
            default: false
            }
        }

        func hasPrefix(_ literal: StaticString, at start: Int) -> Bool {
            guard start + literal.utf8CodeUnitCount <= end else { return false }
            return literal.withUTF8Buffer { buffer in
                var offset = 0
                for byte in buffer {
                    if base[start + offset] != byte { return false }
                    offset += 1
                }
                return true
            }
        }
    }
}
