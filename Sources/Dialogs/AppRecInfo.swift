/// What the hub needs from an AppRec (applikasjonskvittering v1.0 or v1.1): the receipt's
/// id, status and errors, the message it answers, and its two parties.
package struct AppRecInfo: Sendable, Equatable {
    /// The AppRec's namespace, `KnownNamespace.appRec11` or `KnownNamespace.appRec10`.
    package var namespace: String
    /// `AppRec/Id`, the sender's id of this receipt (the duplicate key).
    package var id: String
    /// `AppRec/Status/@V`.
    package var status: AppRecStatus
    /// The `AppRec/Error` entries, in document order.
    package var errors: [AppRecError]
    /// `OriginalMsgId/Id`: the `MsgId` of the message this receipt answers.
    package var originalMsgId: String
    /// `OriginalMsgId/MsgType/@V`: the message function of the answered message.
    package var originalMsgType: String?
    /// HER-ids of `Sender/HCP/Inst`.
    package var sender: PartyIdent
    /// HER-ids of `Receiver/HCP/Inst`.
    package var receiver: PartyIdent

    /// Creates the summary of an AppRec.
    package init(
        namespace: String, id: String, status: AppRecStatus, errors: [AppRecError] = [],
        originalMsgId: String, originalMsgType: String? = nil,
        sender: PartyIdent, receiver: PartyIdent
    ) {
        self.namespace = namespace
        self.id = id
        self.status = status
        self.errors = errors
        self.originalMsgId = originalMsgId
        self.originalMsgType = originalMsgType
        self.sender = sender
        self.receiver = receiver
    }
}
