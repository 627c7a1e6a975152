/// JSON pointers (RFC 6901): how violations name the place in a document, and schema
/// locations the place in a schema.
enum JSONPointer {
    /// `pointer` with one more reference token: `appending("a/b", to: "/x")` is `/x/a~1b`.
    static func appending(_ token: String, to pointer: String) -> String {
        "\(pointer)/\(escape(token))"
    }

    /// A member name as a reference token: `~` becomes `~0` and `/` becomes `~1`.
    static func escape(_ token: String) -> String {
        guard token.contains("~") || token.contains("/") else { return token }
        return token.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}
