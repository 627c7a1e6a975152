import Foundation

/// One dialog (message function) hubd carries, as the catalogue describes it (dialogs contract §1).
///
/// ```swift
/// let entry = DialogCatalogue.entry(for: "DIALOG_INNBYGGER_HREG_MELDE_FEIL")
/// entry?.opensConversation        // true
/// entry?.answerDeadline           // 30 days, in seconds
/// ```
package struct DialogEntry: Sendable, Equatable {
    /// The message function (`MsgInfo/Type/@V`, AMQP `type`); ending in `*` for a family of
    /// functions that share a prefix, such as `DIALOG_INNBYGGER_*`.
    package var function: String
    /// What the dialog is for, in a few words.
    package var purpose: String
    /// The process name in the parties' collaboration profiles (AR), nil when the function has
    /// no process of its own.
    package var arProcess: String?
    /// What `arProcess` is nil for, or what it is made of for a family.
    package var arProcessNote: String?
    /// XML namespaces of the payload (`RefDoc/Content`, or the root of an AppRec).
    package var payloadNamespaces: [String]
    /// What the payload is when it is not XML (hubd's own JSON messages).
    package var payloadNote: String?
    /// Whether a message with this function opens a conversation that expects an answer (§2).
    package var opensConversation: Bool
    /// How long after acceptance the answer is due, in seconds; nil when none is expected.
    package var answerDeadline: TimeInterval?
    /// Whether a patient identity of type `FNR` must have valid mod-11 check digits.
    package var checksPatientIdentity: Bool

    /// Creates an entry.
    package init(
        function: String, purpose: String, arProcess: String? = nil, arProcessNote: String? = nil,
        payloadNamespaces: [String] = [], payloadNote: String? = nil, opensConversation: Bool = false,
        answerDeadline: TimeInterval? = nil, checksPatientIdentity: Bool = false
    ) {
        self.function = function
        self.purpose = purpose
        self.arProcess = arProcess
        self.arProcessNote = arProcessNote
        self.payloadNamespaces = payloadNamespaces
        self.payloadNote = payloadNote
        self.opensConversation = opensConversation
        self.answerDeadline = answerDeadline
        self.checksPatientIdentity = checksPatientIdentity
    }

    /// Whether the entry is a family of functions (`function` ends in `*`).
    package var isFamily: Bool { function.hasSuffix("*") }

    /// Whether `messageFunction` is this entry's function, or one of its family.
    package func matches(_ messageFunction: String) -> Bool {
        guard isFamily else { return messageFunction == function }
        let prefix = function.dropLast()
        return messageFunction.count > prefix.count && messageFunction.hasPrefix(prefix)
    }
}
