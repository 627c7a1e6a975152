import ArgumentParser
import Foundation
import Hub

/// `hubd conversations`: requests that expect an answer, and what became of them.
struct Conversations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List conversations (requests that expect an answer), oldest first, one per line.",
        discussion: """
            Columns: request message_id, MsgId, sender -> receiver, function, opened, deadline, state,
            and the answer's message_id when one passed.
            """)

    @OptionGroup var options: CommonOptions
    @Option(help: "Only those this HER-id sends or receives.") var party: Int?
    @Option(help: "Only those in this state: \(ConversationState.allCases.map(\.rawValue).joined(separator: ", ")).")
    var state: String?

    func validate() throws {
        if let state, ConversationState(rawValue: state) == nil {
            throw ValidationError("--state must be one of \(ConversationState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let store = try await options.load().openStore()
        let conversations = try await store.conversations(
            involving: party.map { [$0] }, state: state.flatMap(ConversationState.init(rawValue:)))
        if conversations.isEmpty {
            print("no conversations")
            return
        }
        print(["message_id", "MsgId", "from -> to", "function", "opened", "deadline", "state", "answer"].joined(separator: "\t"))
        for conversation in conversations {
            print(Self.line(conversation))
        }
    }

    /// One conversation as a tab-separated line (the columns of the header above).
    static func line(_ conversation: Conversation) -> String {
        [
            conversation.requestMessageId, conversation.requestMsgId,
            "\(conversation.senderHerId) -> \(conversation.receiverHerId)", conversation.function,
            Timestamp.format(conversation.openedAt), Timestamp.format(conversation.deadline), conversation.state.rawValue,
            conversation.answerMessageId ?? "-",
        ].joined(separator: "\t")
    }
}
