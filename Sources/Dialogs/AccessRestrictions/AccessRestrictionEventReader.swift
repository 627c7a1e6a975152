/// Reads a published access-restriction event (events contract §1), checking, in order: the
/// size limit, that the body is one UTF-8 JSON text, the schema, the national identity
/// number's mod-11 check digits, and that `validTo` is after `validFrom`. The last two are
/// the rules JSON Schema cannot express.
///
/// A value that can be shared between threads.
///
/// ```swift
/// let reader = AccessRestrictionEventReader(schema: try AccessRestrictionSchema.bundled())
/// let event = try reader.read(body)      // throws EventRefusal
/// store(event.canonicalJSON)
/// ```
package struct AccessRestrictionEventReader: Sendable {
    /// The default size limit: an event is a few hundred bytes, and a few thousand HER-ids
    /// or documents still fit.
    package static let defaultMaxBytes = 64 << 10

    package let schema: AccessRestrictionSchema
    /// The largest body read, in bytes.
    package let maxBytes: Int

    package init(schema: AccessRestrictionSchema, maxBytes: Int = defaultMaxBytes) {
        self.schema = schema
        self.maxBytes = maxBytes
    }

    /// The event in `body`.
    ///
    /// - Throws: an `EventRefusal` naming the first rule `body` breaks.
    package func read(_ body: [UInt8]) throws(EventRefusal) -> AccessRestrictionEvent {
        let value = try EventRefusal.json(body, maxBytes: maxBytes)
        if let violation = schema.compiled.validate(value) { throw EventRefusal(violation) }
        let event = try AccessRestrictionEvent(validated: value)
        guard NationalIdNumber.hasValidCheckDigits(event.nationalId) else {
            throw EventRefusal(.checkDigits, pointer: "/nationalId", reason: "the mod-11 check digits are wrong")
        }
        if let validFrom = event.validFrom, let validTo = event.validTo {
            // Both parse: the schema checked their format.
            guard let from = RFC3339DateTime(validFrom), let to = RFC3339DateTime(validTo), from < to else {
                throw EventRefusal(.validity, pointer: "/validTo", reason: "must be after validFrom")
            }
        }
        return event
    }
}
