/// A stored record that cannot be read back as it was written: a bug or a damaged file, never
/// something a retry fixes.
package struct CorruptRecord: Error, Sendable, CustomStringConvertible {
    package var reason: String

    package init(_ reason: String) {
        self.reason = reason
    }

    package var description: String { "corrupt record: \(reason)" }
}
