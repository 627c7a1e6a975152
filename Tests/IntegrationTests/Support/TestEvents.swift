import Foundation

/// Access-restriction events for tests: valid national identity numbers (made with their
/// mod-11 check digits, from a made-up birth date) and event bodies.
enum TestEvents {
    /// A valid national identity number for citizen `n` (0–99), born 1 January 1990 with an
    /// individual number from n's own ten (some individual numbers have no valid check digits).
    static func nationalId(_ n: Int) -> String {
        for individual in (n * 10)..<(n * 10 + 10) {
            let base = "010190" + String(format: "%03d", individual)
            let digits = base.compactMap(\.wholeNumberValue)
            let first = check(digits, weights: [3, 7, 6, 1, 8, 9, 4, 5, 2])
            if let first, let second = check(digits + [first], weights: [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) {
                return base + "\(first)\(second)"
            }
        }
        preconditionFailure("no valid number among the ten of citizen \(n)")
    }

    private static func check(_ digits: [Int], weights: [Int]) -> Int? {
        let remainder = zip(digits, weights).map(*).reduce(0, +) % 11
        let digit = remainder == 0 ? 0 : 11 - remainder
        return digit == 10 ? nil : digit
    }

    /// An event as a JSON object; `changes` edits it (set a value, or `NSNull()` to remove the key).
    static func event(
        citizen: Int, sequence: Int, kind: String = "sperring", action: String = "set", covers: [Int] = [10037003],
        eventId: String = UUID().uuidString.lowercased(), changes: [String: Any] = [:]
    ) -> [String: Any] {
        var event: [String: Any] = [
            "eventId": eventId, "kind": kind, "action": action, "citizenSequence": sequence,
            "occurredAt": "2026-12-03T10:00:00Z", "nationalId": nationalId(citizen), "setBy": "innbygger",
            "covers": ["herIds": covers, "documents": []],
        ]
        if kind == "nekting" { event["code"] = "N" }
        for (key, value) in changes {
            if value is NSNull { event[key] = nil } else { event[key] = value }
        }
        return event
    }

    static func bytes(_ event: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
    }
}
