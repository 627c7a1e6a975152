import AMQPBridge
import ArgumentParser
import Dialogs
import Foundation
import Hub
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the hub: take submissions, store them, deliver them, until SIGTERM or SIGINT.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let configuration = try options.load()
        let settings = try configuration.hubSettings()
        let logger = Logger.hubd("hubd", level: configuration.logLevel)
        let amqp = try configuration.amqpSettings()
        let store = try configuration.openStore()
        if let registry = configuration.registry {
            let count = try await RegistryImport.run(file: registry, into: store)
            logger.info("registry imported", metadata: ["file": "\(registry)", "parties": "\(count)"])
        }
        let schemas: DialogSchemas
        do {
            schemas = try DialogSchemas.loadBundled()
        } catch {
            throw CommandFailure("cannot load the message schemas: \(error)")
        }
        let queueOptions = configuration.queueOptions
        let consumer = AMQPConsumer(
            settings: amqp.named("hubd ingress"), queue: settings.submitQueue, options: queueOptions,
            prefetch: UInt16(clamping: configuration.prefetch), maxUnackedBytes: configuration.prefetchBytes,
            maxBatch: configuration.batchSize,
            logger: logger.with("queue", settings.submitQueue))
        // The hub's own queues are declared by whoever uses them first; parties' queues only
        // with declare_queues = all.
        let client = AMQPClient(
            settings: amqp.named("hubd dispatch"), name: "hubd dispatch", logger: logger,
            queues: [settings.submitQueue: queueOptions, settings.deadLetterQueue: queueOptions])
        let hub = HubService(
            settings: settings, store: store,
            sources: [AMQPSubmissionSource(consumer: consumer)],
            transport: AMQPQueueTransport(
                client: client, declaring: configuration.declareQueues == .all ? queueOptions : nil),
            schemas: schemas, logger: logger)

        let signals = ShutdownSignals { await hub.shutdown() }
        logger.info("hubd serving", metadata: [
            "broker": "\(amqp.redacted)", "submit_queue": "\(settings.submitQueue)",
            "database": "\(configuration.database)", "her_id": "\(settings.herId)",
        ])
        try await hub.run()
        signals.cancel()
        await consumer.close()
        await client.close()
        logger.info("hubd exited cleanly")
    }
}

extension HubdConfiguration {
    /// How hubd declares the queues it touches.
    var queueOptions: AMQPQueueOptions {
        switch queueType {
        case .classic: AMQPQueueOptions()
        case .quorum: AMQPQueueOptions(arguments: ["x-queue-type": .string("quorum")])
        }
    }
}

extension AMQPSettings {
    func named(_ name: String) -> AMQPSettings {
        var copy = self
        copy.connectionName = name
        return copy
    }
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = "\(value)"
        return copy
    }
}
