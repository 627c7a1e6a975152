internal import CLibXML2

/// A read-only view of one element of a parsed document, with the namespace-aware look-ups
/// the message readers need. Names are compared as bytes against static strings, so reading
/// a message allocates only for the values it returns.
struct ElementNode {
    let pointer: xmlNodePtr

    /// The element's local name.
    var localName: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }

    /// The element's namespace URI, nil when it has none.
    var namespaceURI: String? { namespacePointer.map { String(cString: $0) } }

    /// The element's namespace URI as libxml2 stores it, for comparing other elements against.
    var namespacePointer: UnsafePointer<xmlChar>? { pointer.pointee.ns?.pointee.href }

    /// Whether the element is `name` in the namespace `namespace`.
    func isNamed(_ name: StaticString, in namespace: UnsafePointer<xmlChar>?) -> Bool {
        guard let namespace, let href = namespacePointer, xmlStrEqual(href, namespace) != 0 else { return false }
        return Self.equals(pointer.pointee.name, name)
    }

    /// The child elements, in document order.
    var childElements: ChildElements { ChildElements(first: pointer.pointee.children) }

    /// The first child element named `name` in this element's namespace.
    func child(_ name: StaticString) -> ElementNode? {
        let namespace = namespacePointer
        return childElements.first { $0.isNamed(name, in: namespace) }
    }

    /// The child elements named `name` in this element's namespace.
    func children(_ name: StaticString) -> [ElementNode] {
        let namespace = namespacePointer
        return childElements.filter { $0.isNamed(name, in: namespace) }
    }

    /// The trimmed text of the element's own text and CDATA children; nil when it is empty.
    var text: String? { Self.withTextBytes(startingAt: pointer.pointee.children, Self.trimmed) }

    /// The trimmed value of the unqualified attribute `name`; nil when absent or empty.
    func attribute(_ name: StaticString) -> String? {
        attributeNode(name).flatMap { Self.withTextBytes(startingAt: $0.pointee.children, Self.trimmed) }
    }

    /// Whether the trimmed value of the unqualified attribute `name` is `expected`: compared in
    /// place, with no string made of the value.
    func attribute(_ name: StaticString, is expected: StaticString) -> Bool {
        guard let node = attributeNode(name) else { return false }
        return Self.withTextBytes(startingAt: node.pointee.children) { bytes in
            expected.withUTF8Buffer { Self.trimmedRange(bytes).elementsEqual($0) }
        }
    }

    private func attributeNode(_ name: StaticString) -> xmlAttrPtr? {
        var attribute = pointer.pointee.properties
        while let current = attribute {
            if current.pointee.ns == nil, Self.equals(current.pointee.name, name) { return current }
            attribute = current.pointee.next
        }
        return nil
    }

    /// The untrimmed values of the element's attributes and of its own text: what a
    /// diagnostic about this element may quote.
    var rawValues: [String] {
        var values: [String] = []
        var attribute = pointer.pointee.properties
        while let current = attribute {
            values.append(String(decoding: Self.textBytes(startingAt: current.pointee.children), as: UTF8.self))
            attribute = current.pointee.next
        }
        values.append(String(decoding: Self.textBytes(startingAt: pointer.pointee.children), as: UTF8.self))
        return values.filter { !$0.isEmpty }
    }

    /// Calls `body` with the content of the text and CDATA nodes in a sibling list: the one
    /// node's own bytes when there is only one (nearly every value), else a joined copy.
    private static func withTextBytes<T>(startingAt first: xmlNodePtr?, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        var only: UnsafeMutablePointer<xmlChar>?
        var node = first
        while let current = node {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
               let content = current.pointee.content {
                guard only == nil else { return textBytes(startingAt: first).withUnsafeBufferPointer(body) }
                only = content
            }
            node = current.pointee.next
        }
        guard let only else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: only, count: Int(xmlStrlen(only))))
    }

    /// The concatenated content of the text and CDATA nodes in a sibling list.
    private static func textBytes(startingAt first: xmlNodePtr?) -> [UInt8] {
        var bytes: [UInt8] = []
        var node = first
        while let current = node {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
               let content = current.pointee.content {
                bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
            }
            node = current.pointee.next
        }
        return bytes
    }

    /// Compares a NUL-terminated libxml2 name with a static string.
    static func equals(_ name: UnsafePointer<xmlChar>?, _ expected: StaticString) -> Bool {
        guard let name else { return false }
        return expected.withUTF8Buffer { buffer in
            var index = 0
            for byte in buffer {
                // A shorter name ends in NUL, which never equals a byte of a static name.
                if name[index] != byte { return false }
                index += 1
            }
            return name[index] == 0
        }
    }

    /// `bytes` without leading and trailing XML whitespace; nil when nothing is left.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let range = trimmedRange(bytes)
        return range.isEmpty ? nil : String(decoding: range, as: UTF8.self)
    }

    /// `bytes` without leading and trailing XML whitespace.
    private static func trimmedRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
              let end = bytes.lastIndex(where: { !isSpace($0) }) else { return bytes[bytes.startIndex..<bytes.startIndex] }
        return bytes[start...end]
    }
}
