extension MsgHeadInfo {
    /// Reads the `MsgInfo` of a `MsgHead` root element.
    init(msgHead root: ElementNode) throws(DialogError) {
        guard let info = root.child("MsgInfo") else { throw .missingElement("MsgInfo") }
        guard let function = info.child("Type")?.attribute("V") else { throw .missingElement("MsgInfo/Type/@V") }
        guard let msgId = info.child("MsgId")?.text else { throw .missingElement("MsgInfo/MsgId") }
        guard let genDate = info.child("GenDate")?.text else { throw .missingElement("MsgInfo/GenDate") }
        let ack: Bool? = switch info.child("Ack")?.attribute("V") {
        case "J": true
        case "N": false
        default: nil
        }
        let conversation = info.child("ConversationRef")
        let patients = ([info.child("Patient")] + root.children("PatientReport").map { $0.child("Patient") }).compactMap { $0 }
        self.init(
            messageFunction: function, msgId: msgId, genDate: genDate, ackRequested: ack,
            refToParent: conversation?.child("RefToParent")?.text,
            refToConversation: conversation?.child("RefToConversation")?.text,
            sender: PartyIdent(msgHeadParty: info.child("Sender")),
            receiver: PartyIdent(msgHeadParty: info.child("Receiver")),
            hasPatient: !patients.isEmpty,
            patientIdentity: Self.patientIdentity(patients),
            payloadNamespace: Self.payloadNamespace(msgHead: root))
    }

    /// Checks the check digits of every `FNR` identity of the patients, keeping none of the
    /// numbers. Other identity types (D-numbers have their own `TypeId`, `DNR`) are not checked.
    private static func patientIdentity(_ patients: [ElementNode]) -> PatientIdentityCheck {
        let numbers = patients.flatMap { $0.children("Ident") }
            .filter { $0.child("TypeId")?.attribute("V", is: "FNR") == true }
            .map { $0.child("Id")?.text ?? "" }
        if numbers.isEmpty { return .absent }
        return numbers.allSatisfy(NationalIdNumber.hasValidCheckDigits) ? .valid : .invalidCheckDigits
    }

    /// Read with the routing fields, before `ParsedDialog.validate` removes payloads in
    /// namespaces without a schema (FHIR and the like), whose namespace is wanted here.
    private static func payloadNamespace(msgHead root: ElementNode) -> String? {
        let firstDocument = root.childElements.lazy.compactMap { child -> ElementNode? in
            if child.isNamed("Document", in: root.namespacePointer) { return child }
            if child.isNamed("PatientReport", in: root.namespacePointer) { return child.child("Document") }
            return nil
        }.first
        guard let content = firstDocument?.child("RefDoc")?.child("Content") else { return nil }
        var payloads = content.childElements.makeIterator()
        guard let namespace = payloads.next()?.namespaceURI, !namespace.isEmpty else { return nil }
        return DiagnosticRedactor.name(namespace)
    }
}
