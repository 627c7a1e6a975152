/// How the PROMs service brings a form to the patient (its `DistributionRule`, 0–8).
///
/// Names and numbers as ePROM's integration guide publishes them: 0–4 from its numbered list,
/// 5–8 in the order its text names them (the list on the page is cut short after 4). A
/// register may give the name or the number; hubd sends the number.
package enum PromsDistributionRule: Int, Sendable, CaseIterable {
    /// Helsenorge, else a secure digital mailbox (the service's default).
    case basic = 0
    /// As `basic`, then e-mail or SMS from the contact register.
    case allowUnsecure = 1
    /// No notice to the patient: the register hands over the single-use code itself.
    case noDistribution = 2
    /// As `basic`, with paper as the last resort.
    case basicOrPaper = 3
    /// As `allowUnsecure`, with paper as the last resort.
    case allowUnsecureOrPaper = 4
    case paperOnly = 5
    case helsenorgeOnly = 6
    case digitalMailboxOnly = 7
    case unsecureOnly = 8

    /// The service's name for the rule.
    package var name: String {
        switch self {
        case .basic: "Basic"
        case .allowUnsecure: "AllowUnsecure"
        case .noDistribution: "NoDistribution"
        case .basicOrPaper: "BasicOrPaper"
        case .allowUnsecureOrPaper: "AllowUnsecureOrPaper"
        case .paperOnly: "PaperOnly"
        case .helsenorgeOnly: "HelsenorgeOnly"
        case .digitalMailboxOnly: "DigitalMailboxOnly"
        case .unsecureOnly: "UnsecureOnly"
        }
    }

    /// The rule with this name (any case) or number (`"0"` to `"8"`).
    package init?(name text: String) {
        if let number = Int(text), let rule = Self(rawValue: number) {
            self = rule
            return
        }
        guard let rule = Self.allCases.first(where: { $0.name.lowercased() == text.lowercased() }) else { return nil }
        self = rule
    }
}
