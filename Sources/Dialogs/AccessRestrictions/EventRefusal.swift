/// Why a body is not an acceptable access-restriction event (events contract §1), or a PVK
/// replication body not a usable one: REST answers 400, AMQP `transport:invalid-field-value`.
///
/// Every text is masked with `LogSafe.text`, and none quotes a value from the body, so the
/// national identity number never reaches the sender's error, the problem details or the log.
///
/// ```swift
/// do { event = try reader.read(body) } catch { problem(400, detail: error.description) }
/// // "/covers/herIds/0: must be at least 1 (#/properties/covers/properties/herIds/items/minimum)"
/// ```
package struct EventRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule a body breaks, in the order the reader checks them.
    package enum Rule: String, Sendable {
        /// Over the reader's size limit.
        case size
        /// Not one UTF-8 JSON text.
        case json
        /// Not valid against the event schema; for PVK's body, a field missing or of the wrong
        /// type or form.
        case schema
        /// A national identity number whose mod-11 check digits are wrong.
        case checkDigits
        /// `validTo` not after `validFrom`.
        case validity
    }

    package let rule: Rule
    /// JSON pointer (RFC 6901) to the offending value, `""` for the whole body.
    package let pointer: String
    /// What is wrong, naming the rule but never a value from the body.
    package let reason: String

    /// Creates a refusal, masking its texts.
    package init(_ rule: Rule, pointer: String = "", reason: String) {
        self.rule = rule
        self.pointer = LogSafe.text(pointer)
        self.reason = LogSafe.text(reason)
    }

    /// A schema violation as a refusal.
    package init(_ violation: JSONSchemaViolation) {
        self.init(.schema, pointer: violation.pointer, reason: "\(violation.reason) (\(violation.schemaLocation))")
    }

    /// `/nationalId: the check digits are wrong`, `the body: …` when it concerns the whole body.
    package var description: String { "\(pointer.isEmpty ? "the body" : pointer): \(reason)" }

    /// The one JSON text in `body`, refused when it is over `maxBytes` or not JSON: the first
    /// two rules for an event and for PVK's body alike.
    package static func json(_ body: [UInt8], maxBytes: Int) throws(EventRefusal) -> JSONValue {
        guard body.count <= maxBytes else {
            throw EventRefusal(.size, reason: "a body of \(body.count) bytes is over the limit of \(maxBytes) bytes")
        }
        do {
            return try JSONReader.read(body)
        } catch {
            throw EventRefusal(.json, reason: "is not a UTF-8 JSON text: \(error)")
        }
    }
}
