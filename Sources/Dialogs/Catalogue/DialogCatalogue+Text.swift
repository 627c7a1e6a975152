import Foundation

extension DialogCatalogue {
    /// The catalogue as a Markdown table: the generated part of `docs/dialogs.md`.
    package static func markdownTable() -> String {
        var lines = [
            "| Function | Purpose | AR process | Payload | Opens a conversation | Answer deadline | FNR check digits |",
            "|---|---|---|---|---|---|---|",
        ]
        for entry in entries {
            let process: String = switch (entry.arProcess, entry.arProcessNote) {
            case let (name?, note?): "`\(name)`: \(note)"
            case let (name?, nil): "`\(name)`"
            case let (nil, note?): note
            case (nil, nil): "-"
            }
            let payload = entry.payloadNamespaces.map { "\(payloadName($0)) (`\($0)`)" } + [entry.payloadNote].compactMap { $0 }
            lines.append("| `\(entry.function)` | \(entry.purpose) | \(process) | \(payload.joined(separator: "<br>")) | "
                + "\(entry.opensConversation ? "yes" : "no") | \(deadlineText(entry.answerDeadline)) | "
                + "\(entry.checksPatientIdentity ? "checked" : "-") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The catalogue as a plain table with aligned columns, for a terminal (`hubd dialogs`).
    package static func plainTable() -> String {
        let header = ["FUNCTION", "AR PROCESS", "PAYLOAD", "CONVERSATION", "DEADLINE", "FNR CHECK"]
        let rows = entries.map { entry in
            [
                entry.function, entry.arProcess ?? "-",
                entry.payloadNamespaces.isEmpty ? "JSON" : entry.payloadNamespaces.map(payloadName).joined(separator: ", "),
                entry.opensConversation ? "opens" : "-", deadlineText(entry.answerDeadline),
                entry.checksPatientIdentity ? "yes" : "-",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// A deadline in whole days when it is one, else in seconds; `-` for none.
    package static func deadlineText(_ deadline: TimeInterval?) -> String {
        guard let deadline else { return "-" }
        let day: TimeInterval = 24 * 3600
        if deadline >= day, deadline.truncatingRemainder(dividingBy: day) == 0 {
            let days = Int(deadline / day)
            return days == 1 ? "1 day" : "\(days) days"
        }
        return "\(Int(deadline.rounded())) s"
    }

    /// The standard a known payload namespace belongs to.
    static func payloadName(_ namespace: String) -> String {
        switch namespace {
        case KnownNamespace.dialog11: "Dialogmelding 1.1"
        case KnownNamespace.dialog10: "Dialogmelding 1.0"
        case KnownNamespace.appRec11: "AppRec 1.1"
        case KnownNamespace.appRec10: "AppRec 1.0"
        case KnownNamespace.msgHead: "MsgHead 1.2"
        default: namespace
        }
    }
}
