import Dialogs

/// A JSON request body's members, read by hubd's own JSON reader for a route that takes many
/// requests (`POST /messages`), where `JSONDecoder` cost 2.7 % of hubd's CPU under REST load.
///
/// A member that is missing or of the wrong type (`null` included) gets the problem
/// `BodyReader.decode` gives for it ("The body is not valid: senderHerId is missing"). Where
/// `JSONDecoder` names nothing ("the body is not valid"), this says what is wrong: "The body is
/// not valid JSON" for a syntax error or a member name given twice, and the member for a number
/// that is not an integer.
struct JSONBodyMembers {
    private let members: [String: JSONValue]

    init(_ bytes: [UInt8]) throws(Problem) {
        guard let value = try? JSONReader.read(bytes) else { throw Problem.badRequest("The body is not valid JSON") }
        guard let members = value.object else { throw Self.invalid("the body has the wrong type") }
        self.members = members
    }

    func string(_ name: String) throws(Problem) -> String {
        guard let value = try optionalString(name) else {
            throw Self.invalid(members[name] == nil ? "\(name) is missing" : "\(name) has the wrong type")
        }
        return value
    }

    /// Nil when the member is absent or `null`.
    func optionalString(_ name: String) throws(Problem) -> String? {
        switch members[name] {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw Self.invalid("\(name) has the wrong type")
        }
    }

    func integer(_ name: String) throws(Problem) -> Int {
        guard let value = members[name] else { throw Self.invalid("\(name) is missing") }
        return try Self.integer(value, at: name)
    }

    func integers(_ name: String) throws(Problem) -> [Int] {
        guard let value = members[name] else { throw Self.invalid("\(name) is missing") }
        guard case .array(let elements) = value else { throw Self.invalid("\(name) has the wrong type") }
        var integers: [Int] = []
        for (index, element) in elements.enumerated() {
            integers.append(try Self.integer(element, at: "\(name).[\(index)]"))
        }
        return integers
    }

    /// `path` is spelt only for a problem.
    private static func integer(_ value: JSONValue, at path: @autoclosure () -> String) throws(Problem) -> Int {
        switch value {
        case .integer(let integer): return integer
        case .number: throw invalid("\(path()) is not valid")
        default: throw invalid("\(path()) has the wrong type")
        }
    }

    private static func invalid(_ reason: String) -> Problem {
        Problem.badRequest("The body is not valid: " + reason)
    }
}
