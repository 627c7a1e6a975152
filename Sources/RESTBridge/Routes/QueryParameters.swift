import Dialogs
import Foundation

/// A request's query, read the way NHN's API is called: names case-insensitive, lists as
/// repeated parameters (`HerIds=1&HerIds=2`) or comma-separated.
struct QueryParameters {
    private var values: [String: [String]] = [:]

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0]).lowercased()
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    private static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }

    /// HER-ids of a list parameter; 400 when one is not a HER-id, or when required and absent.
    func herIds(_ name: String, required: Bool = true) throws(Problem) -> [Int] {
        let texts = (values[name.lowercased()] ?? []).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if texts.isEmpty, required { throw Problem.badRequest("\(name) is required") }
        guard texts.count <= 1500 else { throw Problem.badRequest("\(name) names more than 1500 HER-ids") }
        var herIds: [Int] = []
        for text in texts {
            guard let herId = Int(text), HerId.isValid(herId) else {
                throw Problem.badRequest("\(name) holds a value that is not a HER-id")
            }
            if !herIds.contains(herId) { herIds.append(herId) }
        }
        return herIds
    }

    /// The last value of a parameter; nil when absent.
    func value(_ name: String) -> String? {
        values[name.lowercased()]?.last
    }

    /// An integer parameter within bounds; `fallback` when absent.
    func integer(_ name: String, in range: ClosedRange<Int64>, fallback: Int64) throws(Problem) -> Int64 {
        guard let text = values[name.lowercased()]?.last else { return fallback }
        guard let value = Int64(text), range.contains(value) else {
            throw Problem.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
