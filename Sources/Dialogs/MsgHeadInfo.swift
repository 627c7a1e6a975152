/// What the hub needs from a MsgHead (Hodemelding v1.2): the routing and correlation fields
/// of `MsgInfo`.
///
/// The patient is deliberately reduced to `hasPatient` and `patientIdentity`: the national
/// identity number is health-related personal data and is never read out of the document.
package struct MsgHeadInfo: Sendable, Equatable {
    /// The message function, `MsgInfo/Type/@V` (e.g. `DIALOG_INNBYGGER_HREG_INNSYN_BRUK`).
    package var messageFunction: String
    /// `MsgInfo/MsgId`, the sender's id of this message (the duplicate key).
    package var msgId: String
    /// `MsgInfo/GenDate` as written (an `xs:dateTime` once the message is schema-valid).
    package var genDate: String
    /// `MsgInfo/Ack/@V`: `true` for `J`, `false` for `N`, nil when absent or another value.
    package var ackRequested: Bool?
    /// `MsgInfo/ConversationRef/RefToParent`.
    package var refToParent: String?
    /// `MsgInfo/ConversationRef/RefToConversation`.
    package var refToConversation: String?
    /// HER-ids of `MsgInfo/Sender/Organisation`.
    package var sender: PartyIdent
    /// HER-ids of `MsgInfo/Receiver/Organisation`.
    package var receiver: PartyIdent
    /// Whether the message names a patient (`MsgInfo/Patient` or `PatientReport/Patient`).
    package var hasPatient: Bool
    /// Whether the patient's `FNR` identities have valid check digits (`MsgInfo/Patient` and
    /// `PatientReport/Patient`); the numbers themselves are not kept.
    package var patientIdentity: PatientIdentityCheck
    /// The namespace of the first document's payload, as Helsenorge.Messaging reads it for
    /// `X-MessageInfo-SchemaNamespace`: the first `Document` in document order (those under
    /// `PatientReport` included), the first element in its `RefDoc/Content`, that element's
    /// namespace URI (masked and bounded like every name from a payload). Nil when that
    /// document has no such element (a `FileReference`, an empty `Content`) or the element
    /// has no namespace. A `Base64Container` attachment counts: its namespace is
    /// `http://www.kith.no/xmlstds/base64container`.
    package var payloadNamespace: String?

    /// Creates the summary of a MsgHead.
    package init(
        messageFunction: String, msgId: String, genDate: String, ackRequested: Bool? = nil,
        refToParent: String? = nil, refToConversation: String? = nil,
        sender: PartyIdent, receiver: PartyIdent, hasPatient: Bool, patientIdentity: PatientIdentityCheck = .absent,
        payloadNamespace: String? = nil
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
        self.patientIdentity = patientIdentity
        self.payloadNamespace = payloadNamespace
    }
}
