import Foundation

/// How far the registry copy has followed AR: the copy is AR's at `url` as of event `sequence`.
package struct RegistrySyncPosition: Sendable, Equatable {
    /// AR's base URL the copy was taken from.
    package var url: String
    /// The last event taken in; polling continues after it.
    package var sequence: Int64
    /// When the full export this copy grew from was taken.
    package var exportedAt: Date
    /// When events were last taken in (or the export, before any were).
    package var syncedAt: Date

    package init(url: String, sequence: Int64, exportedAt: Date, syncedAt: Date) {
        self.url = url
        self.sequence = sequence
        self.exportedAt = exportedAt
        self.syncedAt = syncedAt
    }
}
