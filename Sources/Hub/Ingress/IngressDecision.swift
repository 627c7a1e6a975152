/// What the ingress checks decided about one submission.
package enum IngressDecision: Sendable {
    /// Store it and dispatch it, unless its duplicate key was accepted before.
    case accept(NewMessage)
    /// Refused: store the error message for the sender and drop the submission.
    case reject(Rejection, notice: NewMessage, acceptedKey: DuplicateKey?)
    /// No error message can be routed: keep it as a dead letter.
    case deadLetter(DeadLetterDraft, acceptedKey: DuplicateKey?)

    /// The key the submission would have been accepted under, when it can be read (sender and
    /// MsgHead `MsgId`/AppRec `Id`). The duplicate check comes first for keys already accepted:
    /// a redelivery after a registry change must not be refused when it was accepted before.
    package var acceptedKey: DuplicateKey? {
        switch self {
        case .accept(let message): message.duplicateKey
        case .reject(_, _, let key), .deadLetter(_, let key): key
        }
    }
}
