import Foundation

/// Where one party of the registry copy came from, and when it was written (`hubd registry show`).
package struct PartyProvenance: Sendable, Equatable, CustomStringConvertible {
    package enum Origin: Sendable, Equatable {
        /// `hubd registry import` or `HUBD_REGISTRY`: the file, as it was named.
        case file(String)
        /// A full sync from AR at `url`: its export, which stood at event `sequence`.
        case arExport(url: String, sequence: Int64)
        /// Fetched from AR at `url` again after its event `sequence` named the party.
        case arEvent(url: String, sequence: Int64)
    }

    package var origin: Origin
    package var at: Date

    package init(origin: Origin, at: Date) {
        self.origin = origin
        self.at = at
    }

    /// `AR sync from https://ar.example (event 1234), 2026-03-04T10:15:00.000Z`.
    package var description: String {
        let source = switch origin {
        case .file(let path): "file import of \(path)"
        case .arExport(let url, let sequence): "AR sync from \(url) (full export at event \(sequence))"
        case .arEvent(let url, let sequence): "AR sync from \(url) (event \(sequence))"
        }
        return "\(source), \(Timestamp.format(at))"
    }
}
