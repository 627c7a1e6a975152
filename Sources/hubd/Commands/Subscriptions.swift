import ArgumentParser
import Foundation
import Hub
import RESTBridge

struct Subscriptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, set or delete event subscriptions (access restrictions); a running hubd follows within seconds.",
        subcommands: [List.self, Set.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per subscription, with the events still to deliver to it.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let store = try await options.load().openStore()
            let pending = try await store.pendingEventDeliveries()
            let subscriptions = try await store.subscriptions()
            if subscriptions.isEmpty { print("no subscriptions") }
            for subscription in subscriptions {
                func list(_ values: [String]) -> String { values.isEmpty ? "all" : values.joined(separator: ",") }
                var line = "\(subscription.herId) \(subscription.channel.rawValue)"
                line += " kinds=\(list(subscription.kinds.map(\.rawValue))) actions=\(list(subscription.actions.map(\.rawValue)))"
                line += " covered=\(list(subscription.coveredHerIds.map(String.init)))"
                if let webhook = subscription.webhook { line += " url=\(webhook.url)" }
                line += " pending=\(pending[subscription.herId] ?? 0)"
                print(line)
            }
            if let exchange = pending[EventDelivery.exchangeSubscriber], exchange > 0 {
                print("(\(exchange) events still to publish to the exchange \(EventRouting.exchange))")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or replace subscriptions from JSON: one body with herId, or {\"subscriptions\": [...]}.",
            discussion: """
                The body is that of PUT /subscriptions/{herId}, with the subscriber's herId:
                  hubd subscriptions set '{"herId": 10037004, "kinds": ["sperring"], "channel": "Amqp"}'
                Pass - to read it from standard input, or @FILE to read a file.
                """)

        @OptionGroup var options: CommonOptions
        @Argument(help: "The JSON, - for standard input, or @FILE.") var json: String

        func run() async throws {
            let data: Data
            if json == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else if json.hasPrefix("@") {
                guard let read = FileManager.default.contents(atPath: String(json.dropFirst())) else {
                    throw CommandFailure("cannot read \(json.dropFirst())")
                }
                data = read
            } else {
                data = Data(json.utf8)
            }
            let subscriptions = try EventSubscriptionsFile.parse(data, origin: "the subscription")
            let store = try await options.load().openStore()
            for subscription in subscriptions {
                try await store.putSubscription(subscription, now: Date())
                print("subscribed \(subscription.herId) (\(subscription.channel.rawValue))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a party's subscription and what was still to be delivered to it.")

        @OptionGroup var options: CommonOptions
        @Argument(help: "The subscriber's HER-id.") var herId: Int

        func run() async throws {
            guard try await options.load().openStore().deleteSubscription(herId: herId) else {
                throw CommandFailure("HER-id \(herId) has no subscription")
            }
            print("deleted the subscription of \(herId)")
        }
    }
}
