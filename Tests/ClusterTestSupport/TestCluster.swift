import Foundation

/// The private 3-node RabbitMQ cluster (and PostgreSQL) of `scripts/cluster`, for the tests of
/// AMQPBridgeTests and IntegrationTests alike. `scripts/test` starts it and names it in
/// HUBD_TEST_CLUSTER_URLS (the nodes' URLs, comma-separated, in node order) and
/// HUBD_TEST_CLUSTER_SCRIPT. Tests that need it fail, never skip, when it is not there.
package enum TestCluster {
    /// Every node's AMQP URL, comma-separated, in node order.
    package static var urls: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_CLUSTER_URLS"]
            ?? (1...3).map { "amqp://guest:guest@127.0.0.1:\(5700 + $0)/" }.joined(separator: ",")
    }

    /// The `scripts/cluster` that started the cluster (it finds the nodes' files under its own
    /// checkout).
    package static var script: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_CLUSTER_SCRIPT"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/cluster").path
    }

    /// Fails unless `scripts/cluster status` says every node runs, nodes 2 and 3 are joined to
    /// node 1, and PostgreSQL is up: a test that stops a node needs the others in the cluster.
    package static func require() async throws {
        let status = await run(["status"])
        guard status.status == 0 else {
            throw Failure("the test cluster is not running (scripts/cluster start): \(status.output)")
        }
    }

    /// Each queue's type (`classic`, `quorum`) as node 1 lists them.
    package static func queueTypes() async throws -> [String: String] {
        let listed = await run(["ctl", "1", "list_queues", "name", "type", "--no-table-headers"])
        guard listed.status == 0 else { throw Failure("rabbitmqctl list_queues failed: \(listed.output)") }
        var types: [String: String] = [:]
        for line in listed.output.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2 { types[String(fields[0])] = String(fields[1]) }
        }
        return types
    }

    /// `scripts/cluster stop-node N`: a graceful stop, which closes the node's connections.
    package static func stopNode(_ number: Int) async throws { try await node("stop-node", number) }

    /// `scripts/cluster start-node N`: the node starts, and this returns once it is back in the cluster.
    package static func startNode(_ number: Int) async throws { try await node("start-node", number) }

    /// `scripts/cluster stop-postgres`: a fast shutdown, which ends every connection.
    package static func stopPostgres() async throws { try await command(["stop-postgres"]) }

    /// `scripts/cluster start-postgres`: returns once PostgreSQL accepts connections.
    package static func startPostgres() async throws { try await command(["start-postgres"]) }

    private static func node(_ command: String, _ number: Int) async throws {
        try await Self.command([command, String(number)])
    }

    private static func command(_ arguments: [String]) async throws {
        let result = await run(arguments)
        guard result.status == 0 else {
            throw Failure("scripts/cluster \(arguments.joined(separator: " ")) exited with \(result.status): \(result.output)")
        }
    }

    /// On a clean thread: a node started from a pool thread would ignore SIGTERM.
    private static func run(_ arguments: [String]) async -> (status: Int32, output: String) {
        await TestProcess.run("/bin/bash", [script] + arguments)
    }

    /// The cluster is not there, or the script failed.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(_ description: String) { self.description = description }
    }
}
