/// What the hub needs from an AppRec (applikasjonskvittering v1.0 or v1.1): the receipt's
/// id, status and errors, the message it answers, and its two parties.
public struct AppRecInfo: Sendable, Equatable {
    /// The AppRec's namespace, `KnownNamespace.appRec11` or `KnownNamespace.appRec10`.
    public var namespace: String
    /// `AppRec/Id`, the sender's id of this receipt (the duplicate key).
    public var id: String
    /// `AppRec/Status/@V`.
    public var status: AppRecStatus
    /// The `AppRec/Error` entries, in document order.
    public var errors: [AppRecError]
    /// `OriginalMsgId/Id`: the `MsgId` of the message this receipt answers.
    public var originalMsgId: String
    /// `OriginalMsgId/MsgType/@V`: the message function of the answered message.
    public var originalMsgType: String?
    /// HER-ids of `Sender/HCP/Inst`.
    public var sender: PartyIdent
    /// HER-ids of `Receiver/HCP/Inst`.
    public var receiver: PartyIdent

    /// Creates the summary of an AppRec.
    public init(
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
