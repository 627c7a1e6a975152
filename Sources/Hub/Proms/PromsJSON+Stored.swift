import AddressRegistry
import Foundation

/// PROMs JSON as both stores keep it: text columns (a register's metadata, a patient's answer
/// and its warnings).
extension PromsJSON {
    /// The value as JSON text, slashes unescaped.
    package func storedText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A value read back from its stored text.
    package init(storedText text: String) throws(CorruptRecord) {
        do {
            self = try JSONDecoder().decode(PromsJSON.self, from: Data(text.utf8))
        } catch {
            throw CorruptRecord("a stored PROMs answer is not JSON")
        }
    }
}
