import ArgumentParser
import Foundation
import Hub

struct Dead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The dead letters: messages hubd gave up on.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters: id, from, to, function, reason, time.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let configuration = try options.load()
            let store = try HubStore(path: configuration.database)
            let letters = try await store.deadLetters()
            print(["id", "message_id", "from", "to", "function", "time", "reason"].joined(separator: "\t"))
            for letter in letters {
                print([
                    String(letter.id), letter.messageId ?? "-", letter.fromHerId ?? "-", letter.toHerId ?? "-", letter.messageFunction ?? "-",
                    Timestamp.format(letter.at), letter.reason,
                ].joined(separator: "\t"))
            }
        }
    }
}
