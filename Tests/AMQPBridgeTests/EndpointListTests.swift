import AMQPBridge
import Testing

/// Several URLs in one setting: the nodes of a cluster (fleet contract §1).
@Suite("AMQPSettings endpoint lists")
struct EndpointListTests {
    @Test func oneURLIsOneEndpoint() throws {
        let s = try AMQPSettings(url: "amqp://hub:pw@mq1:5682/prod")
        #expect(s.endpoints == [AMQPEndpoint(host: "mq1", port: 5682)])
        #expect(s.redacted == "amqp://hub@mq1:5682/prod")
        #expect(s.addresses == "mq1:5682")
    }

    @Test func severalURLsKeepTheirOrder() throws {
        let s = try AMQPSettings(url: "amqp://hub:pw@mq1:5691/prod?heartbeat=5, amqp://hub:pw@mq2:5692/prod?heartbeat=5,amqp://hub:pw@[::1]/prod?heartbeat=5")
        #expect(s.endpoints.map(\.address) == ["mq1:5691", "mq2:5692", "[::1]:5672"])
        #expect(s.host == "mq1" && s.port == 5691)
        #expect(s.user == "hub" && s.password == "pw" && s.vhost == "prod" && s.heartbeat == .seconds(5))
        #expect(s.redacted == "amqp://hub@mq1:5691/prod,amqp://hub@mq2:5692/prod,amqp://hub@[::1]:5672/prod")
        #expect(!s.redacted.contains("pw"))
    }

    @Test func aCommaInsideAPasswordStaysThere() throws {
        let s = try AMQPSettings(url: "amqp://hub:a,b@mq1:5672/,amqp://hub:a,b@mq2:5672/")
        #expect(s.password == "a,b")
        #expect(s.endpoints.map(\.host) == ["mq1", "mq2"])
        #expect(try AMQPSettings(url: "amqp://hub:x,y@mq1/").password == "x,y")
    }

    @Test func settingThePortChangesTheFirstEndpoint() throws {
        var s = try AMQPSettings(url: "amqp://mq1:1/,amqp://mq2:2/")
        s.port = 9
        #expect(s.endpoints.map(\.port) == [9, 2])
    }

    @Test(arguments: [
        ("amqp://mq1/,amqp://mq2:99999/", "URL 2 of the list of 2: port"),
        ("amqp://mq1/,", "URL 2 of the list of 2 is empty"),
        ("amqp://a:pw@mq1/,amqp://b:pw@mq2/", "another user name"),
        ("amqp://a:pw1@mq1/,amqp://a:pw2@mq2/", "another password"),
        ("amqp://mq1/x,amqp://mq2/y", "another vhost"),
        ("amqp://mq1/,amqps://mq2/", "another scheme"),
        ("amqp://mq1/?heartbeat=5,amqp://mq2/", "another set of query parameters"),
    ])
    func listsThatAreNotOneCluster(url: String, mention: String) {
        #expect {
            _ = try AMQPSettings(url: url)
        } throws: { error in
            guard let e = error as? AMQPError, case .invalidURL(let why) = e else { return false }
            return why.contains(mention) && !why.contains("pw1") && !why.contains("pw2")
        }
    }

    @Test func quorumOptions() {
        #expect(AMQPQueueOptions(type: .quorum) == .quorum)
        #expect(AMQPQueueOptions(type: .quorum).arguments == ["x-queue-type": "quorum"])
        #expect(AMQPQueueOptions(type: .quorum).durable)
        #expect(AMQPQueueOptions(type: .classic) == .durable)
        #expect(AMQPQueueOptions(type: .quorum, arguments: ["x-max-length": 10]).type == .quorum)
        #expect(AMQPQueueOptions().type == .classic)
    }

    /// Against the single test broker: a closed port first in the list is skipped at once.
    @Test(.timeLimit(.minutes(1))) func aClosedFirstEndpointIsSkipped() async throws {
        try TestBroker.require()
        let broker = try TestBroker.settings()
        let settings = try broker.with(endpoints: [AMQPEndpoint(host: "127.0.0.1", port: 1)] + broker.endpoints)
        let client = AMQPClient(settings: settings, name: "test-endpoint-list", logger: TestBroker.logger)
        let queue = TestBroker.uniqueQueue("endpoint-list")
        try await client.declareQueue(queue)
        #expect(client.connectedNode == broker.endpoints[0])
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test(.timeLimit(.minutes(1))) func whenNoNodeAnswersTheErrorNamesEach() async throws {
        let settings = try AMQPSettings(url: "amqp://127.0.0.1:1/,amqp://127.0.0.1:2/")
        let client = AMQPClient(settings: settings, name: "test-no-node", logger: TestBroker.logger)
        await #expect {
            try await client.declareQueue(TestBroker.uniqueQueue("no-node"))
        } throws: { error in
            guard let e = error as? AMQPError, case .noBrokerAnswered(let errors) = e else { return false }
            return errors.count == 2 && errors[0].contains("127.0.0.1:1") && errors[1].contains("127.0.0.1:2")
        }
        #expect(client.connectedNode == nil)
        await client.close()
    }

    @Test func noBrokerAnsweredNamesEveryNode() {
        let e = AMQPError.noBrokerAnswered(["cannot connect to AMQP broker a:1: refused", "AMQP timeout: b:2"])
        #expect(e.description == "no AMQP broker of the 2 in the list could be used: cannot connect to AMQP broker a:1: refused; AMQP timeout: b:2")
    }
}
