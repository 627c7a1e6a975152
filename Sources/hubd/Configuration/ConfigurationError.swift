/// A configuration problem, named by the key and where it came from.
struct ConfigurationError: Error, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
