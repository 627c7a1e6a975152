import AMQPBridge
import Foundation
import Logging

/// Where the test broker and the project's files are. Tests that need the broker fail, never
/// skip, when it is not there: `scripts/test` starts it.
enum TestEnvironment {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var amqpURL: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5682/"
    }

    static var brokerScript: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_BROKER_SCRIPT"]
            ?? repositoryRoot.appendingPathComponent("scripts/broker").path
    }

    static func amqpSettings() throws -> AMQPSettings { try AMQPSettings(url: amqpURL) }

    static func example(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("deploy/examples/messages/\(name)")))
    }

    static var exampleRegistry: URL { repositoryRoot.appendingPathComponent("deploy/examples/registry.json") }

    /// The built `hubd` executable (scripts/test builds it before the tests run).
    static var hubdExecutable: URL {
        for configuration in ["debug", "release"] {
            let url = repositoryRoot.appendingPathComponent(".build/\(configuration)/hubd")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/hubd")
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "hubd-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["HUBD_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }

    /// A fresh temporary directory for one test's store and files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs the broker control script (`stop`, `start`, `restart`).
    static func broker(_ command: String) throws {
        try run("/bin/bash", [brokerScript, command])
    }

    /// Runs a program to completion; throws when it fails.
    static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("\(program) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
