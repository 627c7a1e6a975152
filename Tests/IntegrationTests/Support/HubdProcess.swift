import Foundation

/// The real `hubd` executable, run as operators run it: configured through `HUBD_*` variables.
final class HubdProcess: @unchecked Sendable {
    let parties: TestParties
    let directory: URL
    var database: String { directory.appendingPathComponent("hub.sqlite").path }
    private var process: Process?
    private let logFile: URL

    /// Extra `HUBD_*` settings (for example `HUBD_LOG_FORMAT`), over the tests' defaults.
    let overrides: [String: String]

    init(parties: TestParties, overrides: [String: String] = [:]) throws {
        self.parties = parties
        self.overrides = overrides
        directory = try TestEnvironment.temporaryDirectory()
        logFile = directory.appendingPathComponent("hubd.log")
        try parties.registryJSON.write(to: directory.appendingPathComponent("registry.json"))
    }

    /// A test that fails half-way must not leave a daemon behind.
    deinit {
        kill()
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HUBD_CONFIG"] = nil
        environment["HUBD_AMQP_URL"] = TestEnvironment.amqpURL
        environment["HUBD_DATABASE"] = database
        environment["HUBD_REGISTRY"] = directory.appendingPathComponent("registry.json").path
        environment["HUBD_HER_ID"] = String(TestParties.nhn)
        environment["HUBD_SUBMIT_QUEUE"] = parties.submitQueue
        environment["HUBD_DEAD_LETTER_QUEUE"] = parties.deadQueue
        environment["HUBD_RETRY_INITIAL_SECONDS"] = "0.2"
        environment["HUBD_RETRY_MAX_SECONDS"] = "1"
        environment["HUBD_LOG_LEVEL"] = "info"
        environment.merge(overrides) { $1 }
        return environment
    }

    /// Creates the parties' queues (as the bus operator would) and starts `hubd serve` in the
    /// background.
    func start() async throws {
        try await parties.provisionQueues(url: environment["HUBD_AMQP_URL"] ?? TestEnvironment.amqpURL)
        let process = Process()
        process.executableURL = TestEnvironment.hubdExecutable
        process.arguments = ["serve"]
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    /// Whether `hubd serve` runs still.
    var isRunning: Bool { process?.isRunning ?? false }

    /// kill -9: no chance to finish anything.
    func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and the exit status once it has exited; a hubd still running after `limit` is
    /// killed and reported as -9, so that a test never waits for it without a bound.
    func terminate(within limit: Duration = .seconds(60)) -> Int32 {
        guard let process else { return -1 }
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        guard !process.isRunning else {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -9
        }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Runs a hubd command to completion: (exit status, standard output, standard error).
    func command(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = TestEnvironment.hubdExecutable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
