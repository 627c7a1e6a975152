import Foundation

/// The private 3-node RabbitMQ cluster of `scripts/cluster`, which `scripts/test` starts and
/// names in HUBD_TEST_CLUSTER_URLS and HUBD_TEST_CLUSTER_SCRIPT. Tests that need it fail, never
/// skip, when it is not there.
enum TestCluster {
    static var urls: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_CLUSTER_URLS"]
            ?? (1...3).map { "amqp://guest:guest@127.0.0.1:\(5700 + $0)/" }.joined(separator: ",")
    }

    static var script: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_CLUSTER_SCRIPT"]
            ?? TestEnvironment.repositoryRoot.appendingPathComponent("scripts/cluster").path
    }

    /// Fails unless `scripts/cluster status` says every node (and PostgreSQL) is up.
    static func require() throws {
        let status = try output(["status"])
        guard status.status == 0 else {
            throw TestFailure("the test cluster is not running (scripts/cluster start): \(status.output)")
        }
    }

    /// Each queue's type (`classic`, `quorum`) as node 1 lists them.
    static func queueTypes() throws -> [String: String] {
        let listed = try output(["ctl", "1", "list_queues", "name", "type", "--no-table-headers"])
        guard listed.status == 0 else { throw TestFailure("rabbitmqctl list_queues failed: \(listed.output)") }
        var types: [String: String] = [:]
        for line in listed.output.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2 { types[String(fields[0])] = String(fields[1]) }
        }
        return types
    }

    /// `scripts/cluster stop-node N`: a graceful stop, which closes the node's connections.
    static func stopNode(_ number: Int) async throws { try await node("stop-node", number) }

    /// `scripts/cluster start-node N`: the node starts and rejoins the cluster.
    static func startNode(_ number: Int) async throws { try await node("start-node", number) }

    private static func node(_ command: String, _ number: Int) async throws {
        // On a thread of its own with a cleared signal mask: the cooperative pool's threads
        // block signals, and a node started from one would inherit that and ignore SIGTERM.
        let result: Result<(status: Int32, output: String), any Error> = await withCheckedContinuation { cont in
            let thread = Thread {
                var signals = sigset_t()
                sigemptyset(&signals)
                pthread_sigmask(SIG_SETMASK, &signals, nil)
                cont.resume(returning: Result { try output([command, String(number)]) })
            }
            thread.start()
        }
        let (status, text) = try result.get()
        guard status == 0 else { throw TestFailure("scripts/cluster \(command) \(number) exited with \(status): \(text)") }
    }

    /// Runs the cluster script to completion (rabbitmqctl answers within seconds).
    private static func output(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
