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
                || root.children("PatientReport").contains { $0.child("Patient") != nil })
    }
}
