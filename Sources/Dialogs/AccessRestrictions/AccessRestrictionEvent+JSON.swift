extension AccessRestrictionEvent {
    /// The event in `value`, a document the schema has accepted.
    ///
    /// - Throws: a `.schema` refusal when a member is not as this type expects, which happens
    ///   only when the schema and this type disagree.
    init(validated value: JSONValue) throws(EventRefusal) {
        guard let event = JSONObjectReader(value) else { throw EventRefusal(.schema, reason: "must be an object") }
        let covers = try event.object("covers")
        let definition = try event.optional("definition", "an object") { JSONObjectReader($0, at: "/definition") }
        self.init(
            eventId: try event.required("eventId", "a string") { $0.string },
            kind: try event.required("kind", "a kind") { $0.string.flatMap(Kind.init(rawValue:)) },
            action: try event.required("action", "an action") { $0.string.flatMap(Action.init(rawValue:)) },
            citizenSequence: try event.required("citizenSequence", "an integer") { $0.integer },
            occurredAt: try event.required("occurredAt", "a string") { $0.string },
            nationalId: try event.required("nationalId", "a string") { $0.string },
            setBy: try event.required("setBy", "innbygger or helsepersonell") { $0.string.flatMap(SetBy.init(rawValue:)) },
            coveredHerIds: try covers.required("herIds", "an array of integers") { $0.elements(\.integer) },
            documents: try covers.optional("documents", "an array of strings") { $0.elements(\.string) },
            code: try event.optional("code", "a code") { $0.string.flatMap(Code.init(rawValue:)) },
            validFrom: try event.optional("validFrom", "a string") { $0.string },
            validTo: try event.optional("validTo", "a string") { $0.string },
            definition: try definition.map { definition throws(EventRefusal) in
                Definition(
                    guid: try definition.required("guid", "a string") { $0.string },
                    name: try definition.required("name", "a string") { $0.string })
            })
    }
}
