/// The first place where a JSON document breaks its schema.
///
/// No text quotes a value from the document, and every run of exactly 11 digits (a member
/// name in a pointer can have one) is masked with `NationalIdMask`. Member names in a pointer
/// are otherwise as given: `EventRefusal` escapes control characters before a text leaves hubd.
package struct JSONSchemaViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer (RFC 6901) to the offending value, `""` for the whole document; for a
    /// missing or unknown member, the pointer it has or would have (`/covers/herIds`).
    package let pointer: String
    /// What is wrong, e.g. `must be at least 1`.
    package let reason: String
    /// The schema keyword that failed, as a URI fragment (`#/properties/kind/enum`).
    package let schemaLocation: String

    /// Creates a violation, masking its texts.
    package init(pointer: String, reason: String, schemaLocation: String) {
        self.pointer = NationalIdMask.mask(pointer)
        self.reason = NationalIdMask.mask(reason)
        self.schemaLocation = NationalIdMask.mask(schemaLocation)
    }

    /// `/covers/herIds/0: must be at least 1 (#/properties/covers/properties/herIds/items/minimum)`
    package var description: String { "\(pointer.isEmpty ? "the document" : pointer): \(reason) (\(schemaLocation))" }
}
