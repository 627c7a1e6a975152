import Dialogs

/// A subscription as both stores keep it: its lists in comma-joined text columns (an empty
/// column is an empty list: no condition).
extension EventSubscription {
    /// The `kinds` column.
    package var kindsColumn: String { kinds.map(\.rawValue).joined(separator: ",") }

    /// The `actions` column.
    package var actionsColumn: String { actions.map(\.rawValue).joined(separator: ",") }

    /// The `covered_her_ids` column.
    package var coveredHerIdsColumn: String { coveredHerIds.map(String.init).joined(separator: ",") }

    /// A subscription read back from its stored columns; a `CorruptRecord` naming the column
    /// that no longer reads (a value this hubd does not know, or a damaged row).
    package init(
        herId: Int, kindsColumn: String, actionsColumn: String, coveredHerIdsColumn: String, channelColumn: String,
        webhookURL: String?, webhookSecret: String?
    ) throws(CorruptRecord) {
        func list<T>(_ column: String, _ text: String, _ make: (Substring) -> T?) throws(CorruptRecord) -> [T] {
            var values: [T] = []
            for part in text.split(separator: ",") {
                guard let value = make(part) else { throw CorruptRecord("subscription \(herId): \(column) holds '\(part)'") }
                values.append(value)
            }
            return values
        }
        guard let channel = Channel(rawValue: channelColumn) else {
            throw CorruptRecord("subscription \(herId): unknown channel")
        }
        self.init(
            herId: herId,
            kinds: try list("kinds", kindsColumn) { AccessRestrictionEvent.Kind(rawValue: String($0)) },
            actions: try list("actions", actionsColumn) { AccessRestrictionEvent.Action(rawValue: String($0)) },
            coveredHerIds: try list("covered_her_ids", coveredHerIdsColumn) { Int($0) },
            channel: channel,
            webhook: webhookURL.map { WebhookEndpoint(url: $0, secret: webhookSecret ?? "") })
    }
}
