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
            let store = try await options.load().openStore()
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
        @Argument(help: "A dead letter's id (from `hubd dead list`), or a message_id: every dead letter of that message not yet replayed.")
        var id: String?
        @Flag(help: "Replay every dead letter not yet replayed.") var all = false

        func validate() throws {
            guard (id == nil) != !all else { throw ValidationError("give either a dead letter's id or message_id, or --all") }
        }

        func run() async throws {
            let configuration = try options.load()
            let store = try await configuration.openStore()
            let ids = try await letters(in: store)
            if ids.count > 1, let id {
                print("message \(id) has \(ids.count) dead letters; replaying all of them")
            }
            for letter in ids {
                let outcome = try await store.replayDeadLetter(
                    letter, expiry: configuration.defaultExpirySeconds, submitQueue: configuration.submitQueue, now: Date())
                switch outcome {
                case .redispatched(let messageId): print("\(letter)\tredispatched\t\(messageId)")
                case .resubmitted(let messageId): print("\(letter)\tresubmitted\t\(messageId ?? "-")")
                case .notFound: throw CommandFailure("no dead letter with id \(letter)")
                case .alreadyReplayed: throw CommandFailure("dead letter \(letter) was already replayed")
                }
            }
        }

        /// The dead letters the argument names: a number is a dead letter's id when there is
        /// one; anything else (or a number that is no id) is a message_id.
        private func letters(in store: any HubStore) async throws -> [Int64] {
            guard let id else { return try await store.pendingDeadLetterIds() }
            if let number = Int64(id), try await store.deadLetterExists(number) { return [number] }
            let ids = try await store.pendingDeadLetterIds(messageId: id)
            guard !ids.isEmpty else {
                throw CommandFailure("no dead letter with id \(id), and no message \(id) with a dead letter not yet replayed")
            }
            return ids
        }
    }
}
