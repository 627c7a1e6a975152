import AMQPBridge
import Foundation

/// The private 3-node RabbitMQ cluster of `scripts/cluster`. Cluster tests fail, never skip,
/// when it is not there: `scripts/test` starts it and exports HUBD_TEST_CLUSTER_URLS (the
/// nodes' URLs, comma-separated, in node order) and HUBD_TEST_CLUSTER_SCRIPT.
enum TestCluster {
    static var urls: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_CLUSTER_URLS"]
            ?? (1...3).map { "amqp://guest:guest@127.0.0.1:\(5700 + $0)/" }.joined(separator: ",")
    }

    static var script: String {
        ProcessInfo.processInfo.environment["HUBD_TEST_CLUSTER_SCRIPT"]
            ?? TestBroker.repoRoot.appendingPathComponent("scripts/cluster").path
    }

    /// Settings naming every node, with quick reconnects and short timeouts.
    static func settings() throws -> AMQPSettings {
        var s = try AMQPSettings(url: urls)
        s.reconnectMinDelay = .milliseconds(100)
        s.reconnectMaxDelay = .seconds(1)
        s.connectTimeout = .seconds(2)
        s.heartbeat = .seconds(10)
        return s
    }

    /// Every node must accept connections before a test starts.
    static func require() throws {
        for endpoint in try settings().endpoints where !TestBroker.tcpReachable(host: endpoint.host, port: endpoint.port) {
            throw ClusterUnavailable(address: endpoint.address)
        }
    }

    struct ClusterUnavailable: Error, CustomStringConvertible {
        let address: String
        var description: String {
            "test cluster node \(address) is not reachable: start the cluster with scripts/cluster start "
                + "(or set HUBD_TEST_CLUSTER_URLS)"
        }
    }

    /// The node number (1, 2, 3) of an endpoint of `settings()`.
    static func number(of endpoint: AMQPEndpoint) throws -> Int {
        guard let index = try settings().endpoints.firstIndex(of: endpoint) else {
            throw ScriptFailed(what: "\(endpoint) is not a node of the test cluster")
        }
        return index + 1
    }

    /// `scripts/cluster stop-node N`: a graceful stop, which closes the node's connections.
    static func stopNode(_ number: Int) async throws { try await run(["stop-node", String(number)]) }

    /// `scripts/cluster start-node N`: the node starts and rejoins the cluster.
    static func startNode(_ number: Int) async throws { try await run(["start-node", String(number)]) }

    private static func run(_ arguments: [String]) async throws {
        let result = await TestBroker.runProcess("/bin/bash", [script] + arguments)
        guard result.status == 0 else {
            throw ScriptFailed(what: "scripts/cluster \(arguments.joined(separator: " ")) exited with \(result.status): \(result.output)")
        }
    }

    struct ScriptFailed: Error, CustomStringConvertible {
        let what: String
        var description: String { what }
    }
}
