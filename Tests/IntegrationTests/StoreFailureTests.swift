import Foundation
import Hub
import Testing

/// The store on a full disk: nothing is acknowledged, nothing is lost, and the hub goes on by
/// itself once there is room again. The disk is a small tmpfs the test mounts (CI runs as root).
@Suite(.serialized, .timeLimit(.minutes(3))) struct StoreFailureTests {
    @Test func fullDiskHoldsSubmissionsUntilTheStoreWritesAgain() async throws {
        let mount = try TestEnvironment.temporaryDirectory()
        try TestEnvironment.run("/bin/mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.path])
        defer { try? TestEnvironment.run("/bin/umount", ["-l", mount.path]) }

        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hub = try await InProcessHub(parties: parties, directory: mount)
        let receiverQueue = parties.asyncQueue(TestParties.register)
        let template = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
        func submit(_ tag: String) async throws -> String {
            try await probe.submitExample(template, tag: tag, to: parties.submitQueue)
        }
        let warm = try await submit("warm")
        try await hub.waitFor(.sent, of: warm)
        _ = await probe.drain(receiverQueue)

        // Fill the disk to the last byte.
        let filler = mount.appendingPathComponent("filler")
        _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()

        var held: [String] = []
        for index in 0..<100 { held.append(try await submit("held-\(index)")) }
        // The hub cannot commit them: it says so, stops taking more, and sends nothing.
        #expect(await eventually { !hub.isReady })
        #expect(await probe.count(receiverQueue) == 0)
        #expect(try await hub.statuses(held[99]).isEmpty)

        // Room again: every held submission is accepted and delivered.
        try FileManager.default.removeItem(at: filler)
        var delivered: Set<String> = []
        while delivered.count < held.count {
            delivered.insert(try await probe.next(from: receiverQueue, timeout: .seconds(20)).properties.messageId ?? "")
        }
        #expect(delivered == Set(held))
        #expect(hub.isReady)
        #expect(try await hub.waitFor(.sent, of: held[99]) == [.accepted, .sent])
        try await hub.stop()
    }
}
