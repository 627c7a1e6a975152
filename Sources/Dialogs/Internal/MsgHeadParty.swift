/// A MsgHead `Sender` or `Receiver` as written, as far as an AppRec answering the message
/// repeats it: the organisation (AppRec `Inst`), the organisation nested in it (`Dept`) and
/// the healthcare professional of the organisation (`HCPerson`).
///
/// A professional inside the nested organisation is left out: an AppRec has no place for a
/// person inside a department, and naming one under `Inst` could make the AppRec's level-2
/// HER-id differ from the one `PartyIdent` reads from the MsgHead.
struct MsgHeadParty: Equatable {
    /// One organisational unit or person: its name and its `Ident`s in document order.
    struct Unit: Equatable {
        var name: String?
        var identifiers: [Identifier]

        /// The identifier written as the AppRec unit's own `Id`/`TypeId`: the first valid
        /// HER-id, by the rule `PartyIdent` reads HER-ids with, so that the AppRec names the
        /// parties the hub routed the original by; else the first identifier. The others become
        /// `AdditionalId`s.
        var primaryIndex: Int? {
            identifiers.firstIndex { $0.type == "HER" && HerId.parse($0.id) != nil }
                ?? identifiers.indices.first
        }
    }

    /// One `Ident`: `Id` and `TypeId/@V`, `TypeId/@DN`.
    struct Identifier: Equatable {
        var id: String
        var type: String?
        var typeName: String?
    }

    var organisation: Unit
    var department: Unit?
    var professional: Unit?

    /// Reads a MsgHead `Sender` or `Receiver` element.
    init(msgHeadParty party: ElementNode?) {
        let organisation = party?.child("Organisation")
        self.organisation = Unit(name: organisation?.child("OrganisationName")?.text, identifiers: Self.identifiers(of: organisation))
        department = organisation?.child("Organisation").map {
            Unit(name: $0.child("OrganisationName")?.text, identifiers: Self.identifiers(of: $0))
        }
        professional = organisation?.child("HealthcareProfessional").map { person in
            let parts = [person.child("GivenName")?.text, person.child("MiddleName")?.text, person.child("FamilyName")?.text]
            let name = parts.compactMap { $0 }.joined(separator: " ")
            return Unit(name: name.isEmpty ? nil : name, identifiers: Self.identifiers(of: person))
        }
    }

    /// An element's `Ident` children; one without an `Id` identifies nothing and is skipped.
    private static func identifiers(of holder: ElementNode?) -> [Identifier] {
        (holder?.children("Ident") ?? []).compactMap { ident in
            guard let id = ident.child("Id")?.text else { return nil }
            let type = ident.child("TypeId")
            return Identifier(id: id, type: type?.attribute("V"), typeName: type?.attribute("DN"))
        }
    }
}
