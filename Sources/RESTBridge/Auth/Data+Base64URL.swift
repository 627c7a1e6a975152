import Foundation

// JOSE writes binary values in base64url without padding (RFC 7515 §2). jwt-kit keeps its own
// helpers for this `package`, so hubd spells the (purely textual) conversion here, byte by byte:
// it runs for every request's proof.
extension Data {
    /// The bytes in unpadded base64url.
    var base64URLEncoded: String {
        var bytes = [UInt8](base64EncodedData())
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "+"): bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): bytes[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes an unpadded base64url text spells, or nil when it is not base64url.
    init?(base64URLEncoded text: String) {
        self.init(base64URLEncoded: text.utf8)
    }

    /// The bytes an unpadded base64url text (as its UTF-8 bytes) spells, or nil when it is not
    /// base64url.
    init?(base64URLEncoded text: some Collection<UInt8>) {
        var bytes = [UInt8](text)
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "/"): return nil
            case UInt8(ascii: "-"): bytes[index] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): bytes[index] = UInt8(ascii: "/")
            default: break
            }
        }
        bytes += [UInt8](repeating: UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4)
        self.init(base64Encoded: Data(bytes))
    }
}
