/// Why a call to AR (or to HelseID for its token) got no usable answer, in an operator's words:
/// which call, and what came back or failed ("GET /api/v1/event: AR answered HTTP 503").
/// It never holds a token or key material.
package struct AddressRegisterError: Error, Sendable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
