import AMQPBridge
import ArgumentParser
import Foundation
import Hub
import Logging
import PostgresStore

/// Options every command takes: where the configuration is.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (key = value lines). Default: $HUBD_CONFIG, if set.")
    var config: String?

    func load() throws -> HubdConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try HubdConfiguration.load(file: config ?? environment["HUBD_CONFIG"], environment: environment)
        LogOutput.current = LogOutput(format: configuration.logFormat, instance: configuration.instance)
        return configuration
    }
}

/// A command failed in a way the operator should read: printed as one line, exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

extension Logger {
    /// A logger writing to standard error at the configured level.
    static func hubd(_ label: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

extension HubdConfiguration {
    /// The store this configuration names: PostgreSQL for a `postgres://` URL, else a SQLite file.
    func openStore() async throws -> any HubStore {
        guard let location = postgres else {
            return try SQLiteStore(path: database, deadLetterQueue: deadLetterQueue)
        }
        return try await PostgresStore.open(
            location, instance: instance, claimLease: claimLeaseSeconds, deadLetterQueue: deadLetterQueue,
            logger: .hubd("hubd.store", level: logLevel))
    }

    /// The store as logs and status may show it: a PostgreSQL URL without its password.
    var databaseForLogs: String {
        postgres?.description ?? database
    }

    /// The broker this configuration names.
    func amqpSettings() throws -> AMQPSettings {
        do {
            return try AMQPSettings(url: amqpURL)
        } catch {
            throw CommandFailure("amqp_url: \(error)")
        }
    }
}
