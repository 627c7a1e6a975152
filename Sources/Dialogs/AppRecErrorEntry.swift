/// One error an AppRec that hubd builds reports: an entry of the REST contract's
/// `appRecErrorList`, written as `AppRec/Error` (a `kith:CV`).
///
/// ```swift
/// AppRecErrorEntry(code: "E35", description: "Pasienten finnes ikke i mottakersystemet")
/// // <Error V="E35" S="2.16.578.1.12.4.1.1.8221" DN="Pasienten finnes ikke i mottakersystemet"/>
/// ```
package struct AppRecErrorEntry: Sendable, Equatable, Hashable {
    /// The code system of AppRec errors, KITH code list 8221: `S` when `oid` is nil.
    package static let defaultOid = "2.16.578.1.12.4.1.1.8221"

    /// `errorCode`, written as `Error/@V` (e.g. `E35`). Required.
    package var code: String
    /// `details`, free text, written as `Error/@OT` (original text).
    package var details: String?
    /// `description`, the code's display name, written as `Error/@DN`.
    package var description: String?
    /// `oid`, the code system, written as `Error/@S`; nil or empty means `defaultOid`.
    package var oid: String?

    /// Creates an error entry.
    package init(code: String, details: String? = nil, description: String? = nil, oid: String? = nil) {
        self.code = code
        self.details = details
        self.description = description
        self.oid = oid
    }
}
