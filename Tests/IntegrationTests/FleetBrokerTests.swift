import ClusterTestSupport
import Foundation
import Synchronization
import Testing

/// hubd on the 3-node cluster of `scripts/cluster`, as a fleet member runs it: every node's URL
/// in HUBD_AMQP_URL, HUBD_QUEUE_TYPE=quorum and a name of its own (HUBD_INSTANCE).
@Suite(.serialized, .timeLimit(.minutes(3))) struct FleetBrokerTests {
    @Test func withQuorumQueuesHubdDeclaresQuorumQueuesAndDelivers() async throws {
        try await TestCluster.require()
        let parties = try TestParties()
        let rest = try await RESTHubd(parties: parties, overrides: [
            "HUBD_AMQP_URL": TestCluster.urls, "HUBD_QUEUE_TYPE": "quorum", "HUBD_INSTANCE": "fleet-test-1",
            "HUBD_METRICS_OPEN": "true",
        ])
        let hubd = rest.process
        let probe = try BrokerProbe(url: TestCluster.urls)
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await rest.start()
        #expect(await eventually { (try? await rest.request("GET", "/readyz", token: nil).status) == 200 })
        let metrics = try await rest.request("GET", "/metrics", token: nil)
        #expect(metrics.text.contains(#"hubd_instance_info{instance="fleet-test-1"} 1"#), "\(metrics.text.prefix(2000))")

        // `hubd send` declares the submission queue as hubd does (quorum), and so does the
        // running hubd's consumer: whichever comes first, it is a quorum queue.
        let file = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/examples/messages/innsyn_bruk.xml").path
        let sent = try hubd.command(["send", "--file", file, "--from", "10037002", "--to", "10037004"])
        #expect(sent.status == 0, "\(sent.error)")
        let messageId = sent.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let delivery = try await probe.next(from: parties.asyncQueue(TestParties.register), timeout: .seconds(30))
        #expect(delivery.properties.messageId == messageId)

        let types = try await TestCluster.queueTypes()
        #expect(types[parties.submitQueue] == "quorum", "submission queue: \(types[parties.submitQueue] ?? "missing")")
        // The parties' queues are the bus operator's (declare_queues = own): as it made them.
        #expect(types[parties.asyncQueue(TestParties.register)] == "classic")

        #expect(hubd.terminate() == 0)
        let log = hubd.log
        #expect(log.contains("instance=fleet-test-1"), "every line names the instance")
        #expect(log.contains("queue_type=quorum"))
        #expect(log.contains("amqp.node="), "the log says which node each connection went to")
    }

    /// Contract §2: losing one RabbitMQ node of three loses no accepted message, and hubd's
    /// `/readyz` stays ready while its connections move to the other nodes. Everything is on quorum queues (the parties' too, as a bus
    /// operator running a cluster makes them), and hubd's connections all start on node 1.
    @Test func hubdKeepsDeliveringWhenItsNodeStops() async throws {
        try await TestCluster.require()
        let parties = try TestParties()
        try await parties.provisionQueues(url: TestCluster.urls, options: .quorum)
        let rest = try await RESTHubd(parties: parties, overrides: [
            "HUBD_AMQP_URL": TestCluster.urls, "HUBD_QUEUE_TYPE": "quorum", "HUBD_INSTANCE": "fleet-test-2",
        ])
        let probe = try BrokerProbe(url: TestCluster.urls)
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await rest.start()
        #expect(await eventually { (try? await rest.request("GET", "/readyz", token: nil).status) == 200 })
        let template = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
        var submitted: [String] = []
        do {
            for index in 0..<20 {
                submitted.append(try await probe.submitUntilConfirmed(template, tag: "node-loss-\(index)", to: parties.submitQueue))
            }
            // /readyz is asked throughout the stop and the reconnects: every answer must be 200.
            let notReady = Mutex<[String]>([])
            let polling = Task {
                while !Task.isCancelled {
                    if let answer = try? await rest.request("GET", "/readyz", token: nil), answer.status != 200 {
                        notReady.withLock { $0.append(answer.text) }
                    }
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            // The stop closes hubd's and the probe's connections; submissions go on meanwhile.
            let stopping = Task { try await TestCluster.stopNode(1) }
            for index in 20..<60 {
                submitted.append(try await probe.submitUntilConfirmed(template, tag: "node-loss-\(index)", to: parties.submitQueue))
            }
            try await stopping.value

            var delivered: Set<String> = []
            let deadline = ContinuousClock.now + .seconds(60)
            while !delivered.isSuperset(of: submitted) && ContinuousClock.now < deadline {
                if let delivery = try? await probe.next(from: parties.asyncQueue(TestParties.register), timeout: .seconds(1)),
                   let id = delivery.properties.messageId {
                    delivered.insert(id)
                }
            }
            let missing = Set(submitted).subtracting(delivered)
            #expect(missing.isEmpty, "\(missing.count) of \(submitted.count) accepted messages not delivered")
            polling.cancel()
            _ = await polling.value
            #expect(notReady.withLock { $0 }.isEmpty, "/readyz said not ready during the node stop: \(notReady.withLock { $0 })")
            #expect(rest.process.log.contains("AMQP connection re-established"), "\(rest.process.log.suffix(3000))")
        } catch {
            Issue.record(error)
        }
        try await TestCluster.startNode(1)
        #expect(rest.process.terminate() == 0)
    }

    @Test func badInstanceNamesAreRefusedNamingTheSetting() throws {
        let hubd = try HubdProcess(parties: try TestParties(), overrides: ["HUBD_INSTANCE": "two words"])
        let result = try hubd.command(["registry", "show", "10037004"])
        #expect(result.status == 1)
        #expect(result.error.contains("HUBD_INSTANCE: instance must be 1 to 64 letters"), "\(result.error)")
    }
}
