import AMQPBridge
import ClusterTestSupport

extension TestCluster {
    /// Settings naming every node, with quick reconnects and short timeouts.
    static func settings() throws -> AMQPSettings {
        var s = try AMQPSettings(url: urls)
        s.reconnectMinDelay = .milliseconds(100)
        s.reconnectMaxDelay = .seconds(1)
        s.connectTimeout = .seconds(2)
        s.heartbeat = .seconds(10)
        return s
    }

    /// The node number (1, 2, 3) of an endpoint of `settings()`.
    static func number(of endpoint: AMQPEndpoint) throws -> Int {
        guard let index = try settings().endpoints.firstIndex(of: endpoint) else {
            throw Failure("\(endpoint) is not a node of the test cluster")
        }
        return index + 1
    }
}
