import Dialogs
import Foundation
import JWTKit

/// Who a verified access token speaks for.
///
/// The HER-ids are the token's own; the parties below them in the registry (departments) are
/// added by the HTTP layer, which knows the registry.
package struct Principal: Sendable, Equatable {
    /// The HER-ids from the token's HER-id claim, in the claim's order, without repeats.
    package let herIds: [Int]
    /// The OAuth client: the `client_id` claim, or `sub` when there is none; nil when the token
    /// has neither.
    package let clientId: String?
    /// The same for every request with this token, and for no other token (hex SHA-256 of the
    /// token): a key for per-token rate limits that holds nothing of the token itself.
    package let rateKey: String

    package init(herIds: [Int], clientId: String?, rateKey: String) {
        self.herIds = herIds
        self.clientId = clientId
        self.rateKey = rateKey
    }

    /// The HER-ids a HER-id claim holds: a JSON array of HER-ids (integers or numeric strings),
    /// or one string of HER-ids separated by `,` or `-` (HelseID writes `123-456`). Nil when the
    /// claim is empty or any entry is not a HER-id (1–9 digits, above zero).
    static func herIds(in claim: JWTHeaderField) -> [Int]? {
        let entries: [String]
        switch claim {
        case .int(let value):
            entries = [String(value)]
        case .string(let text):
            entries = text.split(omittingEmptySubsequences: false) { $0 == "," || $0 == "-" }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        case .array(let items):
            var texts: [String] = []
            for item in items {
                switch item {
                case .int(let value): texts.append(String(value))
                case .string(let text): texts.append(text)
                default: return nil
                }
            }
            entries = texts
        default:
            return nil
        }
        var herIds: [Int] = []
        var seen: Set<Int> = []
        for entry in entries {
            guard let herId = HerId.parse(entry) else { return nil }
            if seen.insert(herId).inserted { herIds.append(herId) }
        }
        return herIds.isEmpty ? nil : herIds
    }
}
