import AMQPBridge
import AddressRegistry
import Foundation

/// The example registry with every queue renamed to a per-test prefix, so tests never see
/// each other's messages. HER-ids stay those of the examples.
struct TestParties {
    static let helsenorge = 10037002
    static let hf = 10037003
    static let register = 10037004
    static let pts = 10037005
    static let proms = 10037006
    static let hf2 = 10037007
    static let register2 = 10037008
    static let inactive = 10037009
    static let withoutQueues = 10037010
    static let nhn = 10037001

    let prefix: String
    let registryJSON: Data

    /// `edit` changes the registry's JSON text after the queues got their prefix.
    init(prefix: String = "t" + UUID().uuidString.prefix(8).lowercased(), edit: (String) -> String = { $0 }) throws {
        self.prefix = prefix
        let original = try String(contentsOf: TestEnvironment.exampleRegistry, encoding: .utf8)
        registryJSON = Data(edit(original.replacingOccurrences(of: "HubTest/", with: "HubTest/\(prefix)_")).utf8)
    }

    var entries: [RegistryEntry] {
        get throws { try RegistryFile.parse(registryJSON) }
    }

    func asyncQueue(_ herId: Int) -> String { "\(prefix)_\(herId)_async" }
    func errorQueue(_ herId: Int) -> String { "\(prefix)_\(herId)_error" }
    var submitQueue: String { "\(prefix).submit" }
    var deadQueue: String { "\(prefix).dead" }

    /// Creates the parties' async and error queues, as the bus operator does in the national
    /// network: hubd publishes to them without declaring them (`declare_queues = own`).
    /// `url` is the test broker's unless a test runs hubd against another (the cluster);
    /// `options` the kind of queue the bus operator makes.
    func provisionQueues(url: String = TestEnvironment.amqpURL, options: AMQPQueueOptions = .durable) async throws {
        let client = AMQPClient(settings: try AMQPSettings(url: url), name: "test provisioning", logger: TestEnvironment.quietLogger)
        defer { Task { await client.close() } }
        for entry in try entries {
            for kind in [AddressKind.async, .error] {
                // A name AMQP cannot carry is one the bus operator could not have created either.
                if let queue = entry.party.queue(kind), queue.utf8.count <= 255 { try await client.declareQueue(queue, options: options) }
            }
        }
    }

    /// Every queue a test may have caused to exist.
    var allQueues: [String] {
        [submitQueue, deadQueue] + (10037001...10037010).flatMap { [asyncQueue($0), errorQueue($0), "\(prefix)_\($0)_sync"] }
    }
}
