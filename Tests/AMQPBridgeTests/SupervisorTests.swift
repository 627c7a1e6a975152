@testable import AMQPBridge
import Testing

/// Which node a connection tries first, without a broker: `ConnectionSupervisor`'s bookkeeping.
@Suite("ConnectionSupervisor failover")
struct SupervisorTests {
    private static func supervisor() throws -> ConnectionSupervisor {
        let settings = try AMQPSettings(url: "amqp://mq1:5701/,amqp://mq2:5702/,amqp://mq3:5703/")
        return ConnectionSupervisor(settings: settings, logger: TestBroker.logger)
    }

    /// A node that takes the login but cannot serve (a minority partition) must not be the
    /// first node of every round.
    @Test func aNodeThatCouldNotBeSetUpIsNotTriedFirstAgain() throws {
        var supervisor = try Self.supervisor()
        let nodes = supervisor.settings.endpoints
        #expect(supervisor.endpoint == nodes[0])
        let refused = AMQPError.channelClosed(code: 404, text: "NOT_FOUND - no queue")
        let before = ContinuousClock.now
        supervisor.setupFailed(refused)
        #expect(supervisor.endpoint == nodes[1])
        // A failed attempt like any other: an outage, its error, and a back-off before the next round.
        #expect(supervisor.inOutage)
        #expect(supervisor.lastError == refused)
        #expect(supervisor.nextAttempt > before)
        supervisor.setupFailed(refused)
        #expect(supervisor.endpoint == nodes[2])
        supervisor.setupFailed(refused)
        #expect(supervisor.endpoint == nodes[0])
        supervisor.connected()
        #expect(!supervisor.inOutage && supervisor.lastError == nil)
        #expect(supervisor.endpoint == nodes[0])
    }

    /// A round in which no node answered tried every node already: the next round starts
    /// where that one did.
    @Test func aRoundInWhichNoNodeAnsweredStartsAgainAtTheSameNode() throws {
        var supervisor = try Self.supervisor()
        supervisor.setupFailed(.socket("reset"))
        let first = supervisor.endpoint
        supervisor.connectFailed(.noBrokerAnswered(["a", "b", "c"]))
        #expect(supervisor.endpoint == first)
    }

    @Test func aLostConnectionMovesToTheNextNode() throws {
        var supervisor = try Self.supervisor()
        let nodes = supervisor.settings.endpoints
        supervisor.connected()
        supervisor.connectionLost(.connectionClosed(code: 320, text: "CONNECTION_FORCED"))
        #expect(supervisor.endpoint == nodes[1])
        #expect(supervisor.inOutage)
    }
}
