import AMQPBridge
import Foundation
import Hub
import Logging

/// Everything a scenario needs: the broker, the hubd executable, the example files, and fresh
/// queue names and directories for each run.
struct BenchEnvironment: Sendable {
    let amqp: AMQPSettings
    let hubd: URL
    /// The C relay on rabbitmq-c, the headline baseline.
    let crelay: URL
    /// The REST scenario's HTTP client in C.
    let restload: URL
    let examples: URL
    /// hubd's XSDs, which the C relay's durable mode validates against.
    let schemas: URL
    /// Random (UUID) MsgIds instead of `<run>-<n>` (`BenchMessages`).
    let randomMsgIds: Bool
    let registry: URL
    let logger: Logger

    /// A fresh run: its own prefix on every queue, its own store, hubd's environment.
    struct Run: Sendable {
        let prefix: String
        let directory: URL
        let submitQueue: String
        let receiverQueue: String
        let environment: [String: String]
        var database: String { directory.appendingPathComponent("hub.sqlite").path }
    }

    /// The submissions of a run, `size` bytes each, with the MsgIds the command line asked for.
    func messages(size: Int) throws -> BenchMessages {
        try BenchMessages(exampleDirectory: examples, size: size, randomMsgIds: randomMsgIds)
    }

    func makeRun(amqpURL: String, batch: Int) throws -> Run {
        // What earlier runs left for the disk (stores, removed run directories, the broker's
        // message store) is written out first: the kernel's writeback otherwise competes with
        // this run and slows its commits, and the scenario run after the others paid for them.
        sync()
        let prefix = "bench" + UUID().uuidString.prefix(8).lowercased()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hubbench-\(prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let original = try String(contentsOf: registry, encoding: .utf8)
        let registryFile = directory.appendingPathComponent("registry.json")
        try Data(original.replacingOccurrences(of: "HubTest/", with: "HubTest/\(prefix)_").utf8).write(to: registryFile)
        var environment = ProcessInfo.processInfo.environment
        environment["HUBD_CONFIG"] = nil
        environment["HUBD_AMQP_URL"] = amqpURL
        environment["HUBD_DATABASE"] = directory.appendingPathComponent("hub.sqlite").path
        environment["HUBD_REGISTRY"] = registryFile.path
        environment["HUBD_HER_ID"] = "10037001"
        environment["HUBD_SUBMIT_QUEUE"] = "\(prefix).submit"
        environment["HUBD_DEAD_LETTER_QUEUE"] = "\(prefix).dead"
        environment["HUBD_LOG_LEVEL"] = "warning"
        environment["HUBD_BATCH_SIZE"] = String(batch)
        environment["HUBD_PREFETCH"] = String(batch * 2)
        return Run(
            prefix: prefix, directory: directory, submitQueue: "\(prefix).submit",
            receiverQueue: "\(prefix)_10037004_async", environment: environment)
    }

    func cleanUp(_ run: Run, client: AMQPClient) async {
        for queue in [run.submitQueue, run.receiverQueue, "\(run.prefix).dead", "\(run.prefix)_10037002_error"] {
            try? await client.deleteQueue(queue)
        }
        try? FileManager.default.removeItem(at: run.directory)
    }
}
