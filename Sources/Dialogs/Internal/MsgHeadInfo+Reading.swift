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
        self.init(
            messageFunction: function, msgId: msgId, genDate: genDate, ackRequested: ack,
            refToParent: conversation?.child("RefToParent")?.text,
            refToConversation: conversation?.child("RefToConversation")?.text,
            sender: PartyIdent(msgHeadParty: info.child("Sender")),
            receiver: PartyIdent(msgHeadParty: info.child("Receiver")),
            hasPatient: info.child("Patient") != nil
                || root.children("PatientReport").contains { $0.child("Patient") != nil },
            payloadNamespace: Self.payloadNamespace(msgHead: root))
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
