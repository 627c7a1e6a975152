/// One `AppRec/Error` entry (code list 8221), without any free text beyond the code's
/// display name.
package struct AppRecError: Sendable, Equatable, Hashable {
    /// The error code, `Error/@V` (e.g. `E35`); nil when the entry has none.
    package var code: String?
    /// The code's display name, `Error/@DN`.
    package var description: String?

    /// Creates an error entry.
    package init(code: String?, description: String?) {
        self.code = code
        self.description = description
    }
}
