/// Why the store could not do what was asked, in words an operator can act on.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package var operation: String
    package var reason: String

    package init(_ operation: String, _ reason: String) {
        self.operation = operation
        self.reason = reason
    }

    package var description: String { "store: \(operation) failed: \(reason)" }
}
