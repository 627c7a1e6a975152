import Dialogs
import Foundation

extension IngressValidator {
    /// The description of the check-digit refusal, exactly as the dialogs contract (§1) gives it.
    static let invalidCheckDigits = "Patient identity number has invalid check digits"

    /// A dialog whose catalogue entry checks the patient's identity (the five register dialogs)
    /// and whose `FNR` has wrong check digits. The refusal names the field, never the number.
    static func patientIdentityRejection(_ message: DialogMessage) -> Rejection? {
        guard case .msgHead(let info) = message, info.patientIdentity == .invalidCheckDigits,
              DialogCatalogue.entry(for: info.messageFunction)?.checksPatientIdentity == true else { return nil }
        return Rejection(.invalidFieldValue, invalidCheckDigits, data: ["Patient/Ident"])
    }

    /// What an accepted MsgHead may do to conversations: answer the ones its `ConversationRef`
    /// names, or open one when its function opens conversations. Nil for an AppRec (a receipt is
    /// not an answer) and for a MsgHead that can do neither.
    func conversationLink(_ message: DialogMessage) -> ConversationLink? {
        guard case .msgHead(let info) = message else { return nil }
        let opening = DialogCatalogue.entry(for: info.messageFunction).flatMap { entry -> ConversationLink.Opening? in
            guard entry.opensConversation else { return nil }
            return ConversationLink.Opening(
                conversationId: info.refToConversation ?? info.msgId,
                answerWithin: settings.answerDeadline ?? entry.answerDeadline ?? DialogCatalogue.defaultAnswerDeadline)
        }
        guard opening != nil || info.refToParent != nil || info.refToConversation != nil else { return nil }
        return ConversationLink(refToParent: info.refToParent, refToConversation: info.refToConversation, opening: opening)
    }
}
