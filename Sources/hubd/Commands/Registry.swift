import AddressRegistry
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hub

struct Registry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import, sync or show the registry copy (Address Register parties).",
        subcommands: [Import.self, Sync.self, Show.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the registry with FILE, atomically; the old one stays if FILE is bad.")

        @OptionGroup var options: CommonOptions
        @Argument(help: "Registry file: a JSON array of communication parties, in the legacy format or AR's v1.") var file: String

        func run() async throws {
            let configuration = try options.load()
            let count = try await RegistryImport.run(file: file, into: configuration.openStore())
            print("imported \(count) parties from \(file)")
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the registry with AR's parties (ar_url): its export, then every party; the old one stays if AR fails.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let configuration = try options.load()
            guard let sync = try configuration.addressRegisterSync() else {
                throw CommandFailure("ar_url (HUBD_AR_URL) is not set: there is no Address Register to sync from")
            }
            let store = try await configuration.openStore()
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let outcome: Result<RegistrySyncReport, any Error>
            do {
                let registrySync = try await sync.registrySync(
                    store: store, httpClient: httpClient, logger: .hubd("hubd", level: configuration.logLevel))
                outcome = .success(try await registrySync.fullSync())
            } catch {
                outcome = .failure(error)
            }
            try? await httpClient.shutdown()
            let report = try outcome.get()
            print("synced \(report.parties) parties from \(sync.url) (up to event \(report.sequence))")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one party, the queues hubd uses for it, and where hubd got it from.")

        @OptionGroup var options: CommonOptions
        @Argument(help: "The party's HER-id.") var herId: Int

        func run() async throws {
            let store = try await options.load().openStore()
            // As the hub routes with it: valid now or not, queues inherited from its parent.
            guard let party = try await store.loadRegistry(at: Date()).registry.party(herId: herId) else {
                throw CommandFailure("HER-id \(herId) is not in the registry")
            }
            let provenance = try await store.partyProvenance(herId: herId)
            var lines = [
                "HER-id:         \(party.herId)",
                "name:           \(party.shownName)",
                "type:           \(party.type)",
                "parent:         \(party.parentHerId.map { "\($0)\(party.parentName.map { " (\($0))" } ?? "")" } ?? "-")",
                "active:         \(party.active ? "yes" : "no")",
                "valid party:    \(party.isValidCommunicationParty ? "yes" : "no")",
            ]
            if party.validFrom != nil || party.validTo != nil {
                lines.append("valid:          \(party.validFrom.map(Timestamp.format) ?? "-") to \(party.validTo.map(Timestamp.format) ?? "-")")
            }
            for kind in AddressKind.allCases {
                let label = "\(kind.rawValue):".padding(toLength: 16, withPad: " ", startingAt: 0)
                let address = party.electronicAddresses.first { $0.typeCode == kind.rawValue }
                lines.append(label + (address.map { "\($0.queueName ?? "?")\($0.inherited ? " (inherited)" : "")" } ?? "-"))
            }
            lines.append("receives:       " + (party.receives.map { $0.sorted().joined(separator: ", ") } ?? "anything (no list)"))
            lines.append("can send:       \(party.canSend ? "yes" : "no")")
            lines.append("can receive:    \(party.canReceive ? "yes" : "no")")
            lines.append("source:         \(provenance.map(String.init(describing:)) ?? "unknown")")
            print(lines.joined(separator: "\n"))
        }
    }
}

/// Reads a registry file and replaces the store's copy.
enum RegistryImport {
    static func run(file: String, into store: any HubStore) async throws -> Int {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CommandFailure("cannot read registry file \(file): \((error as NSError).localizedDescription)")
        }
        let entries: [RegistryEntry]
        do {
            entries = try RegistryFile.parse(data)
        } catch {
            throw CommandFailure("\(file): \(error)")
        }
        try await store.replaceRegistry(entries, source: file, now: Date())
        return entries.count
    }
}
