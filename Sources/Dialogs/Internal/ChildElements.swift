internal import CLibXML2

/// The element children of a node, in document order (text, comments and processing
/// instructions skipped).
struct ChildElements: Sequence {
    let first: xmlNodePtr?

    func makeIterator() -> Iterator { Iterator(cursor: first) }

    struct Iterator: IteratorProtocol {
        var cursor: xmlNodePtr?

        mutating func next() -> ElementNode? {
            while let node = cursor {
                cursor = node.pointee.next
                if node.pointee.type == XML_ELEMENT_NODE { return ElementNode(pointer: node) }
            }
            return nil
        }
    }
}
