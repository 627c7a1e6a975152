import ArgumentParser
import Foundation
import Logging

/// hubd: the message hub between Address Register parties.
///
/// Exit codes: 0 success, 1 failure (one line on standard error), 2 bad usage.
@main
struct Hubd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hubd",
        abstract: "Message hub for KITH MsgHead dialogs between Address Register parties.",
        subcommands: [
            Serve.self, Registry.self, Status.self, Dead.self, Send.self, Auth.self, Subscriptions.self,
            DialogsCommand.self, Conversations.self,
        ])

    static func main() async {
        LoggingSystem.bootstrap(HubdLogHandler.init)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("hubd: \(failure.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("hubd: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            var message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if message.hasPrefix("Error: ") { message.removeFirst(7) }
            FileHandle.standardError.write(Data("hubd: \(message)\n".utf8))
            Foundation.exit(1)
        }
    }
}
