/// A message the hub routes: a MsgHead or an AppRec, reduced to what routing, duplicate
/// detection and receipt correlation need.
///
/// ```swift
/// let parsed = try DialogParser(maxBytes: 16 << 20).parse(body)
/// if parsed.validate(with: schemas) == nil, let message = parsed.message {
///     print(message.messageFunction, message.id, message.sender.effective ?? 0)
/// }
/// ```
package enum DialogMessage: Sendable, Equatable {
    /// A MsgHead (Hodemelding).
    case msgHead(MsgHeadInfo)
    /// An application receipt.
    case appRec(AppRecInfo)

    /// The message function: `MsgInfo/Type/@V`, or `APPREC` for an AppRec.
    package var messageFunction: String {
        switch self {
        case .msgHead(let info): info.messageFunction
        case .appRec: "APPREC"
        }
    }

    /// The sender's id of the message (`MsgInfo/MsgId` or `AppRec/Id`), the duplicate key.
    package var id: String {
        switch self {
        case .msgHead(let info): info.msgId
        case .appRec(let info): info.id
        }
    }

    /// The sending party's HER-ids.
    package var sender: PartyIdent {
        switch self {
        case .msgHead(let info): info.sender
        case .appRec(let info): info.sender
        }
    }

    /// The receiving party's HER-ids.
    package var receiver: PartyIdent {
        switch self {
        case .msgHead(let info): info.receiver
        case .appRec(let info): info.receiver
        }
    }

    /// `X-MessageInfo-SchemaNamespace` as Helsenorge.Messaging writes it: for a MsgHead the
    /// namespace of its first document's payload (`MsgHeadInfo.payloadNamespace`, e.g.
    /// `http://www.kith.no/xmlstds/dialog/2013-01-23` for Dialogmelding 1.1), for an AppRec
    /// its own namespace. Nil when the first document has no payload element; the header is
    /// then left out.
    package var schemaNamespace: String? {
        switch self {
        case .msgHead(let info): info.payloadNamespace
        case .appRec(let info): info.namespace
        }
    }

    /// Whether this is an application receipt.
    package var isAppRec: Bool {
        if case .appRec = self { return true }
        return false
    }
}
