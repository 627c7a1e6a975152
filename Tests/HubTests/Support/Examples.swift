import AddressRegistry
import Dialogs
import Foundation
@testable import Hub

/// The example messages and registry of `deploy/examples`, for tests that need no broker.
enum Examples {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func message(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("deploy/examples/messages/\(name)"), encoding: .utf8)
    }

    static func registry() throws -> AddressRegistry {
        let data = try Data(contentsOf: root.appendingPathComponent("deploy/examples/registry.json"))
        return AddressRegistry(parties: try RegistryFile.parse(data).map(\.party))
    }

    /// Imports the example registry into `store` and returns a cache loaded from it.
    static func registryCache(importedInto store: any HubStore, now: Date) async throws -> RegistryCache {
        let data = try Data(contentsOf: root.appendingPathComponent("deploy/examples/registry.json"))
        try await store.replaceRegistry(try RegistryFile.parse(data), source: "test", now: now)
        let cache = RegistryCache()
        try await cache.refresh(from: store)
        return cache
    }

    static let schemas: DialogSchemas = {
        do { return try DialogSchemas.loadBundled() } catch { preconditionFailure("bundled schemas: \(error)") }
    }()

    static let hub = 10037001
    static let portal = 10037002
    static let register = 10037004

    /// A submission as it comes off the queue.
    static func submission(
        _ body: String, from: String? = String(portal), to: String? = String(register),
        messageId: String? = UUID().uuidString.lowercased(), type: String? = nil, headers extra: MessageHeaders = [:]
    ) -> Submission {
        var headers = extra
        headers[HeaderName.fromHerId] = from
        headers[HeaderName.toHerId] = to
        if headers[HeaderName.applicationTimeStamp] == nil { headers[HeaderName.applicationTimeStamp] = "2026-03-04T10:15:00Z" }
        return Submission(
            properties: MessageProperties(messageId: messageId, contentType: "application/xml", type: type, headers: headers),
            body: Array(body.utf8), settlement: SettlementToken(sequence: 1, epoch: 1))
    }
}
