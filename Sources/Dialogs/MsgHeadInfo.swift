/// What the hub needs from a MsgHead (Hodemelding v1.2): the routing and correlation fields
/// of `MsgInfo`.
///
/// The patient is deliberately reduced to `hasPatient`: the national identity number is
/// health-related personal data and is never read out of the document.
public struct MsgHeadInfo: Sendable, Equatable {
    /// The message function, `MsgInfo/Type/@V` (e.g. `DIALOG_INNBYGGER_HREG_INNSYN_BRUK`).
    public var messageFunction: String
    /// `MsgInfo/MsgId`, the sender's id of this message (the duplicate key).
    public var msgId: String
    /// `MsgInfo/GenDate` as written (an `xs:dateTime` once the message is schema-valid).
    public var genDate: String
    /// `MsgInfo/Ack/@V`: `true` for `J`, `false` for `N`, nil when absent or another value.
    public var ackRequested: Bool?
    /// `MsgInfo/ConversationRef/RefToParent`.
    public var refToParent: String?
    /// `MsgInfo/ConversationRef/RefToConversation`.
    public var refToConversation: String?
    /// HER-ids of `MsgInfo/Sender/Organisation`.
    public var sender: PartyIdent
    /// HER-ids of `MsgInfo/Receiver/Organisation`.
    public var receiver: PartyIdent
    /// Whether the message names a patient (`MsgInfo/Patient` or `PatientReport/Patient`).
    public var hasPatient: Bool

    /// Creates the summary of a MsgHead.
    public init(
        messageFunction: String, msgId: String, genDate: String, ackRequested: Bool? = nil,
        refToParent: String? = nil, refToConversation: String? = nil,
        sender: PartyIdent, receiver: PartyIdent, hasPatient: Bool
    ) {
        self.messageFunction = messageFunction
        self.msgId = msgId
        self.genDate = genDate
        self.ackRequested = ackRequested
        self.refToParent = refToParent
        self.refToConversation = refToConversation
        self.sender = sender
        self.receiver = receiver
        self.hasPatient = hasPatient
    }
}
