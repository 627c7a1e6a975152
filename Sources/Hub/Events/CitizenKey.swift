import Crypto

/// What the store keys a citizen's events by: a SHA-256 of the national identity number, so
/// that indexes, delivery lanes and anything derived from them never hold the number. It is a
/// pseudonym, not anonymity: the number is in the event's body beside it.
package enum CitizenKey {
    package static func of(nationalId: String) -> String {
        SHA256.hash(data: Array(("hubd-citizen:" + nationalId).utf8)).map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }
}
