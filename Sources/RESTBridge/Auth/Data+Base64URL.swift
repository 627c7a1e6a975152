import Foundation

// JOSE writes binary values in base64url without padding (RFC 7515 §2). jwt-kit keeps its own
// helpers for this `package`, so hubd spells the (purely textual) conversion here.
extension Data {
    /// The bytes in unpadded base64url.
    var base64URLEncoded: String {
        var text = base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// The bytes an unpadded base64url text spells, or nil when it is not base64url.
    init?(base64URLEncoded text: String) {
        guard !text.contains("="), !text.contains("+"), !text.contains("/") else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        self.init(base64Encoded: standard)
    }
}
