import ArgumentParser
import Foundation
import Hub

struct Dead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The dead letters: messages hubd gave up on.", subcommands: [List.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters: id, from, to, function, reason, time.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let store = try options.load().openStore()
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

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put dead letters back: into dispatch with a fresh expiry and the same message_id, or, for a submission that never passed the checks, back on the submission queue.")

        @OptionGroup var options: CommonOptions
        @Argument(help: "The dead letter's id (from `hubd dead list`).") var id: Int64?
        @Flag(help: "Replay every dead letter not yet replayed.") var all = false

        func validate() throws {
            guard (id == nil) != !all else { throw ValidationError("give either a dead letter's id or --all") }
        }

        func run() async throws {
            let configuration = try options.load()
            let store = try configuration.openStore()
            let ids = if let id { [id] } else { try await store.pendingDeadLetterIds() }
            for id in ids {
                let outcome = try await store.replayDeadLetter(
                    id, expiry: configuration.defaultExpirySeconds, submitQueue: configuration.submitQueue, now: Date())
                switch outcome {
                case .redispatched(let messageId): print("\(id)\tredispatched\t\(messageId)")
                case .resubmitted(let messageId): print("\(id)\tresubmitted\t\(messageId ?? "-")")
                case .notFound: throw CommandFailure("no dead letter with id \(id)")
                case .alreadyReplayed: throw CommandFailure("dead letter \(id) was already replayed")
                }
            }
        }
    }
}
