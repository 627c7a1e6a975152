/// Why the store could not do what was asked, in words an operator can act on.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var reason: String

    public init(_ operation: String, _ reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "store: \(operation) failed: \(reason)" }
}
