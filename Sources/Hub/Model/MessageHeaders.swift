/// A message's headers: a text value for each name, each name once, kept in name order.
///
/// A short sorted list rather than a hash table. A message carries about a dozen headers, and
/// every message has them built, read and written several times on its way through: taken
/// from the delivery, set for its receiver, encoded for the store, given to the publisher and
/// written again as an AMQP 1.0 section. A dictionary hashed every name (SipHash) and
/// allocated a table each time, and the store and the 1.0 section sorted the names to write
/// them; in name order from the start, the store and the section write them as they stand,
/// and headers that arrive in order (as the store gives them back) cost the sort one pass.
///
/// It reads like the dictionary it replaces: a literal, a subscript by name that removes the
/// header when set to nil, and `(key:, value:)` elements, in name order.
///
/// ```swift
/// var headers: MessageHeaders = ["toHerId": "8142519"]
/// headers["fromHerId"] = "8142520"
/// headers.map(\.key)      // ["fromHerId", "toHerId"]
/// ```
package struct MessageHeaders: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    package typealias Element = (key: String, value: String)

    private var entries: [Element]

    /// No headers.
    package init() { entries = [] }

    /// The headers of `elements`; where a name comes twice, its last value counts.
    ///
    /// Sorted once, not inserted one by one: a delivery can carry thousands of headers in any
    /// order, and inserting each in place would move the list's tail every time. An array, not
    /// any sequence: a generic initialiser called from another module runs unspecialised.
    package init(_ elements: [Element]) {
        var sorted = elements
        // Stable: of the entries with one name, the last given stays last.
        sorted.sort { $0.key < $1.key }
        entries = []
        entries.reserveCapacity(sorted.count)
        for entry in sorted {
            if let last = entries.last, last.key == entry.key {
                entries[entries.count - 1].value = entry.value
            } else {
                entries.append(entry)
            }
        }
    }

    /// The headers of the literal; where a name comes twice, its last value counts.
    package init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    /// The value of the header `name`; nil when there is none. Setting nil removes it.
    package subscript(name: String) -> String? {
        get {
            let (index, found) = position(of: name)
            return found ? entries[index].value : nil
        }
        set {
            let (index, found) = position(of: name)
            switch (found, newValue) {
            case (true, let value?): entries[index].value = value
            case (true, nil): entries.remove(at: index)
            case (false, let value?): entries.insert((key: name, value: value), at: index)
            case (false, nil): break
            }
        }
    }

    /// Removes the header `name`; its value, or nil when there was none.
    @discardableResult
    package mutating func removeValue(forKey name: String) -> String? {
        let (index, found) = position(of: name)
        return found ? entries.remove(at: index).value : nil
    }

    /// Makes room for `count` headers.
    package mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    /// The names, in order.
    package var keys: [String] { entries.map(\.key) }

    /// The values, in the order of their names.
    package var values: [String] { entries.map(\.value) }

    /// The headers as a dictionary, for APIs that take one.
    package var dictionary: [String: String] { Dictionary(entries, uniquingKeysWith: { _, last in last }) }

    /// The list's own iterator: loops in other modules then step through an array they can
    /// specialise, instead of calling this collection's subscript through its conformance.
    package func makeIterator() -> IndexingIterator<[Element]> { entries.makeIterator() }

    package var startIndex: Int { entries.startIndex }
    package var endIndex: Int { entries.endIndex }
    package subscript(position: Int) -> Element { entries[position] }

    package static func == (left: MessageHeaders, right: MessageHeaders) -> Bool {
        left.entries.count == right.entries.count
            && zip(left.entries, right.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Where `name` is, or where it would go to keep the order. Headers set one by one usually
    /// come in name order (the delivery properties are set so), so a name after the last one
    /// is appended without a search.
    private func position(of name: String) -> (index: Int, found: Bool) {
        guard let last = entries.last, name <= last.key else { return (entries.count, false) }
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key < name { low = middle + 1 } else { high = middle }
        }
        return (low, low < entries.count && entries[low].key == name)
    }
}

extension MessageHeaders: Codable {
    /// Encoded as the object (dictionary) it used to be, so stored and exchanged JSON stays as it was.
    package init(from decoder: any Decoder) throws {
        self.init(Array(try [String: String](from: decoder)))
    }

    package func encode(to encoder: any Encoder) throws {
        try dictionary.encode(to: encoder)
    }
}
