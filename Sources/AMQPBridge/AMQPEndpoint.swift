/// One broker node a connection can go to: a host and a port.
///
/// `AMQPSettings.endpoints` lists the nodes of one cluster, in the order they are tried:
/// ```swift
/// let s = try AMQPSettings(url: "amqp://hubd:pw@mq1:5672/,amqp://hubd:pw@mq2:5672/")
/// s.endpoints.map(\.address)   // ["mq1:5672", "mq2:5672"]
/// ```
package struct AMQPEndpoint: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port` (IPv6 literals in brackets): the form error messages and logs use.
    package var address: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    package var description: String { address }
}
