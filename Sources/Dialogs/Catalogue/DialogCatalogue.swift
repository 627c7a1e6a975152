import Foundation

/// The dialogs hubd carries (dialogs contract §1): for each message function its process in
/// the Address Register, its payload, whether it opens a conversation that expects an answer,
/// and the answer deadline. `hubd dialogs` prints it; `docs/dialogs.md` is generated from it.
///
/// ```swift
/// DialogCatalogue.entry(for: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")?.checksPatientIdentity  // true
/// DialogCatalogue.entry(for: "DIALOG_INNBYGGER_TIMERESERVASJON")?.function              // "DIALOG_INNBYGGER_*"
/// DialogCatalogue.entry(for: "DIALOG_HELSEFAGLIG")?.opensConversation                   // false
/// ```
package enum DialogCatalogue {
    /// How long a register has to answer a citizen's request: one month by GDPR art. 12(3),
    /// which the sector counts as 30 days.
    package static let defaultAnswerDeadline: TimeInterval = 30 * 24 * 3600

    /// Every entry, in the order the catalogue is printed. Exact functions come before the
    /// family that would also match them.
    package static let entries: [DialogEntry] = registerDialogs + citizenDialogs + [
        DialogEntry(
            function: "DIALOG_HELSEFAGLIG", purpose: "A question or note between health professionals",
            arProcess: "Dialog_Helsefaglig", payloadNamespaces: [KnownNamespace.dialog11, KnownNamespace.dialog10]),
        DialogEntry(
            function: "APPREC", purpose: "The receiving application's receipt (OK, rejected, OK with errors)",
            arProcessNote: "none of its own: it travels in the process of the message it answers",
            payloadNamespaces: [KnownNamespace.appRec11, KnownNamespace.appRec10]),
        DialogEntry(
            function: "PTS_TILGANGSBEGRENSNING", purpose: "An access-restriction event published to hubd (docs/events.md)",
            arProcessNote: "none: hubd's own function, to hubd's HER-id",
            payloadNote: "JSON: an access-restriction event (`application/json`)"),
        DialogEntry(
            function: "PROMS_ORDER_UPDATE", purpose: "A PROMs order's new status, from hubd to the register (docs/proms.md)",
            arProcessNote: "none: hubd's own function, from hubd",
            payloadNote: "JSON: the order (`application/json`)"),
    ]

    /// The five register dialogs (`DIALOG_INNBYGGER_HREG_*`): a citizen's request to one
    /// health register, answered within the statutory deadline.
    private static let registerDialogs: [DialogEntry] = [
        ("INNSYN_HELSEOPPLYSNINGER", "Innsyn_Helseopplysninger", "Innsyn: what the register holds about the citizen"),
        ("INNSYN_BRUK", "Innsyn_Bruk", "Innsyn: who has used the citizen's data"),
        ("INNSYN_UTLEVERING", "Innsyn_Utlevering", "Innsyn: who has received the citizen's data"),
        ("MELDE_FEIL", "Melde_Feil", "Retting: the citizen reports an error in the data"),
        ("SLETTING_ELLER_SPERRING", "Sletting_Eller_Sperring", "Sletting or sperring: the citizen asks for deletion or blocking"),
    ].map { suffix, process, purpose in
        DialogEntry(
            function: "DIALOG_INNBYGGER_HREG_" + suffix, purpose: purpose, arProcess: "Dialog_Innbygger_Hreg_" + process,
            payloadNamespaces: [KnownNamespace.dialog11], opensConversation: true, answerDeadline: defaultAnswerDeadline,
            checksPatientIdentity: true)
    }

    /// The other citizen dialogs: each request opens a conversation as the register dialogs do.
    private static let citizenDialogs: [DialogEntry] = [
        DialogEntry(
            function: "DIALOG_INNBYGGER_EKONTAKT", purpose: "eKontakt: a message between a citizen and a health service",
            arProcess: "Dialog_Innbygger_Ekontakt", payloadNamespaces: [KnownNamespace.dialog11],
            opensConversation: true, answerDeadline: defaultAnswerDeadline),
        DialogEntry(
            function: "DIALOG_INNBYGGER_RESEPTFORNYELSE", purpose: "A citizen asks for a prescription to be renewed",
            arProcess: "Dialog_Innbygger_Reseptfornyelse", payloadNamespaces: [KnownNamespace.dialog11],
            opensConversation: true, answerDeadline: defaultAnswerDeadline),
        DialogEntry(
            function: "DIALOG_INNBYGGER_*", purpose: "Any other dialog with a citizen",
            arProcessNote: "the function in title case, e.g. `Dialog_Innbygger_Timereservasjon`",
            payloadNamespaces: [KnownNamespace.dialog11], opensConversation: true, answerDeadline: defaultAnswerDeadline),
    ]

    /// The entry for a message function: its own, else its family's; nil for a function the
    /// catalogue does not know (carried all the same, opening no conversation).
    package static func entry(for messageFunction: String) -> DialogEntry? {
        entries.first { !$0.isFamily && $0.matches(messageFunction) } ?? entries.first { $0.isFamily && $0.matches(messageFunction) }
    }
}
