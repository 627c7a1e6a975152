extension AppRecInfo {
    /// Reads an `AppRec` root element in the AppRec namespace `namespace`.
    init(appRec root: ElementNode, namespace: String) throws(DialogError) {
        guard let id = root.child("Id")?.text else { throw .missingElement("Id") }
        guard let status = root.child("Status")?.attribute("V") else { throw .missingElement("Status/@V") }
        guard let original = root.child("OriginalMsgId") else { throw .missingElement("OriginalMsgId") }
        guard let originalId = original.child("Id")?.text else { throw .missingElement("OriginalMsgId/Id") }
        self.init(
            namespace: namespace, id: id, status: AppRecStatus(code: status),
            errors: root.children("Error").map {
                AppRecError(code: $0.attribute("V"), description: $0.attribute("DN"))
            },
            originalMsgId: originalId,
            originalMsgType: original.child("MsgType")?.attribute("V"),
            sender: PartyIdent(appRecParty: root.child("Sender")),
            receiver: PartyIdent(appRecParty: root.child("Receiver")))
    }
}
