extension PartyIdent {
    /// Reads a MsgHead `Sender` or `Receiver`: level 1 is the HER `Ident` of its
    /// `Organisation`, level 2 that of the nested `Organisation`, or failing that of the
    /// `HealthcareProfessional` inside the level-1 organisation.
    init(msgHeadParty party: ElementNode?) {
        let organisation = party?.child("Organisation")
        self.init(
            level1: organisation.flatMap(Self.msgHeadHerId),
            level2: organisation?.child("Organisation").flatMap(Self.msgHeadHerId)
                ?? organisation?.child("HealthcareProfessional").flatMap(Self.msgHeadHerId))
    }

    /// Reads an AppRec `Sender` or `Receiver`: level 1 is the HER id of `HCP/Inst`, level 2
    /// that of the first `Inst/Dept`, or failing that of the first `Inst/HCPerson`. AppRec
    /// v1.0 and v1.1 share this structure; only their namespaces differ.
    init(appRecParty party: ElementNode?) {
        let institution = party?.child("HCP")?.child("Inst")
        self.init(
            level1: institution.flatMap(Self.appRecHerId),
            level2: institution?.children("Dept").lazy.compactMap(Self.appRecHerId).first
                ?? institution?.children("HCPerson").lazy.compactMap(Self.appRecHerId).first)
    }

    /// The HER-id among an element's `Ident` children (`Ident/TypeId/@V` = `HER`).
    private static func msgHeadHerId(_ holder: ElementNode) -> Int? {
        holder.children("Ident").lazy
            .filter { $0.child("TypeId")?.attribute("V", is: "HER") == true }
            .compactMap { herId($0.child("Id")?.text) }
            .first
    }

    /// An AppRec unit's own `Id` when its `TypeId/@V` is `HER`.
    private static func appRecHerId(_ unit: ElementNode) -> Int? {
        guard unit.child("TypeId")?.attribute("V", is: "HER") == true else { return nil }
        return herId(unit.child("Id")?.text)
    }

    /// The same rule as for headers (`HerId`): an 11-digit "HER-id" in a payload is a national
    /// identity number, never a party.
    private static func herId(_ text: String?) -> Int? {
        HerId.parse(text)
    }
}
