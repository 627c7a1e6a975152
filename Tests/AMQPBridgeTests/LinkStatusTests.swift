@testable import AMQPBridge
import Testing

/// How long a link has been without a connection: what readiness gives a grace period by, so
/// that a reconnect to another node of a cluster is no outage (fleet contract §2).
@Suite(.timeLimit(.minutes(1)))
struct LinkStatusTests {
    @Test func theOutageIsTimedFromTheLossNotFromTheLastUpdate() async throws {
        let status = LinkStatus()
        // Before the first connection: timed from the link's creation.
        #expect(status.disconnectedFor != nil)
        status.update { $0 = .init(connected: true, epoch: 1, lastError: nil, node: nil) }
        #expect(status.disconnectedFor == nil)

        status.update { $0.connected = false; $0.lastError = "connection lost" }
        let lost = try #require(status.disconnectedFor)
        // Later updates while still disconnected (each failed reconnect) keep the time of the loss.
        try await Task.sleep(for: .milliseconds(50))
        status.update { $0.lastError = "connection refused" }
        let later = try #require(status.disconnectedFor)
        #expect(later >= lost + .milliseconds(50))

        status.update { $0 = .init(connected: true, epoch: 2, lastError: nil, node: nil) }
        #expect(status.disconnectedFor == nil)
        status.update { $0.connected = false }
        #expect(try #require(status.disconnectedFor) < .milliseconds(50), "a new loss is timed afresh")
        #expect(status.isDown(grace: .seconds(15)) == false, "reconnecting within the grace: not down")
        #expect(status.isDown(grace: .zero), "past the grace: down")
        #expect(LinkStatus().isDown(grace: .seconds(15)), "never connected: down")
    }
}
