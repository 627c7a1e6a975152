import Crypto

/// The `hubd-signature` header of a webhook POST (rest.md §5): `t=<unix seconds>,v1=<hex MAC>`,
/// the MAC being HMAC-SHA256 keyed with the party's secret over `"<t>."` followed by the raw
/// body bytes.
///
/// The timestamp is signed with the body so that a receiver can refuse a captured request
/// replayed later; `verify` is what a receiver runs (and what hubd's tests run):
///
/// ```swift
/// let header = WebhookSignature.header(secret: secret, timestamp: 1_700_000_000, body: body)
/// WebhookSignature.verify(header: header, secret: secret, body: body, now: 1_700_000_060)  // true
/// ```
package enum WebhookSignature {
    /// The header value for `body` sent at `timestamp` (unix seconds).
    package static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message(timestamp: timestamp, body: body), using: key(secret))
        return "t=\(timestamp),v1=\(mac.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined())"
    }

    /// Whether `header` signs `body` with `secret`, at a time at most `tolerance` seconds from
    /// `now`. Any `v1` entry may match (a sender rotating its secret can send one per secret);
    /// entries of other schemes are ignored. The MACs are compared in constant time.
    package static func verify(header: String, secret: String, body: [UInt8], now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var candidates: [[UInt8]] = []
        for entry in header.split(separator: ",") {
            let pair = entry.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int(pair[1])
            case "v1": if let mac = bytes(hex: pair[1]) { candidates.append(mac) }
            default: continue
            }
        }
        // Compared without subtracting, so no timestamp can overflow.
        guard let timestamp, timestamp >= now - tolerance, timestamp <= now + tolerance else { return false }
        let message = message(timestamp: timestamp, body: body)
        let key = key(secret)
        return candidates.contains { HMAC<SHA256>.isValidAuthenticationCode($0, authenticating: message, using: key) }
    }

    private static func key(_ secret: String) -> SymmetricKey {
        SymmetricKey(data: Array(secret.utf8))
    }

    private static func message(timestamp: Int, body: [UInt8]) -> [UInt8] {
        Array("\(timestamp).".utf8) + body
    }

    /// The bytes of a SHA-256-sized hex string; nil for anything else.
    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 2 * SHA256.byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SHA256.byteCount)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
