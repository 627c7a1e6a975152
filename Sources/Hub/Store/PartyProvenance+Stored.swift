import Foundation

/// A party's provenance as both stores keep it: the party row's `origin` (a name),
/// `origin_source`, `origin_sequence` and `updated_at` columns.
extension PartyProvenance {
    /// The provenance of a stored party row; nil when the row has none, or an origin this hubd
    /// does not know (or an AR origin without its sequence).
    package init?(storedOrigin name: String?, source: String?, sequence: Int64?, updatedAt: Double?) {
        guard let name, let source, let updatedAt else { return nil }
        let origin: Origin
        switch (name, sequence) {
        case (Origin.fileName, _): origin = .file(source)
        case (Origin.arExportName, let sequence?): origin = .arExport(url: source, sequence: sequence)
        case (Origin.arEventName, let sequence?): origin = .arEvent(url: source, sequence: sequence)
        default: return nil
        }
        self.init(origin: origin, at: Date(timeIntervalSince1970: updatedAt))
    }
}

extension PartyProvenance.Origin {
    fileprivate static let fileName = "file"
    fileprivate static let arExportName = "ar-export"
    fileprivate static let arEventName = "ar-event"

    /// The `origin` column.
    package var storedName: String {
        switch self {
        case .file: Self.fileName
        case .arExport: Self.arExportName
        case .arEvent: Self.arEventName
        }
    }

    /// The `origin_source` column: the file as it was named, or AR's URL.
    package var source: String {
        switch self {
        case .file(let path): path
        case .arExport(let url, _), .arEvent(let url, _): url
        }
    }

    /// The `origin_sequence` column: AR's event sequence; nil for a file.
    package var sequence: Int64? {
        switch self {
        case .file: nil
        case .arExport(_, let sequence), .arEvent(_, let sequence): sequence
        }
    }
}
