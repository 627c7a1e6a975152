import ArgumentParser
import Foundation
import Hub

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a message's status history and its conversation, by its message_id (or its MsgHead MsgId).")

    @OptionGroup var options: CommonOptions
    @Argument(help: "The message_id the message was submitted with.") var messageId: String

    func run() async throws {
        let store = try await options.load().openStore()
        let reports = try await store.reports(for: messageId)
        guard !reports.isEmpty else { throw CommandFailure("no message with id \(messageId)") }
        for report in reports {
            var lines = [
                "message_id:   \(report.messageId)",
                "kind:         \(report.kind.rawValue)",
                "from -> to:   \(report.fromHerId.map(String.init) ?? "-") -> \(report.toHerId.map(String.init) ?? "-")",
                "function:     \(report.messageFunction ?? "-")",
            ]
            if let msgId = report.msgId { lines.append("MsgId:        \(msgId)") }
            lines.append("attempts:     \(report.attempts)")
            if let next = report.nextAttemptAt { lines.append("next attempt: \(Timestamp.format(next))") }
            if let error = report.lastError { lines.append("last error:   \(error)") }
            lines.append("expires:      \(Timestamp.format(report.expiresAt))")
            for entry in report.history {
                lines.append("\(Timestamp.format(entry.at))  \(entry.status.rawValue)\(entry.detail.map { "  (\($0))" } ?? "")"
                             + (entry.instance.map { "  [\($0)]" } ?? ""))
            }
            if let conversation = try await store.conversation(ofMessage: report.id) {
                let role = conversation.requestMessageId == report.messageId ? "request" : "answer"
                lines.append("conversation: \(conversation.conversationId) (this is its \(role))")
                lines.append("  state:      \(conversation.state.rawValue)")
                lines.append("  deadline:   \(Timestamp.format(conversation.deadline))")
                if let answer = conversation.answerMessageId { lines.append("  answer:     \(answer)") }
                if let reason = conversation.closedReason { lines.append("  closed:     \(reason)") }
            }
            print(lines.joined(separator: "\n"))
        }
    }
}
