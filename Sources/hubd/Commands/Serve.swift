import AMQPBridge
import ArgumentParser
import AsyncHTTPClient
import Dialogs
import Foundation
import Hub
import Logging
import Metrics
import Prometheus
import RESTBridge
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the hub: take submissions, store them, deliver them, until SIGTERM or SIGINT.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let configuration = try options.load()
        let settings = try configuration.hubSettings()
        let logger = Logger.hubd("hubd", level: configuration.logLevel)
        let amqp = try configuration.amqpSettings()
        let promsService = try configuration.promsService()
        let addressRegister = try configuration.addressRegisterSync()
        let store = try await configuration.openStore()
        if let registry = configuration.registry {
            let count = try await RegistryImport.run(file: registry, into: store)
            logger.info("registry imported", metadata: ["file": "\(registry)", "parties": "\(count)"])
        }
        if let file = configuration.deliveryChannels {
            let channels = try DeliveryChannelsFile.load(file)
            try await store.setDeliveryChannels(channels, now: Date())
            logger.info("delivery channels applied", metadata: ["file": "\(file)", "parties": "\(channels.count)"])
        }
        if let file = configuration.eventSubscriptions {
            let subscriptions = try EventSubscriptionsFile.load(file)
            for subscription in subscriptions { try await store.putSubscription(subscription, now: Date()) }
            logger.info("event subscriptions applied", metadata: ["file": "\(file)", "subscribers": "\(subscriptions.count)"])
        }
        let schemas: DialogSchemas
        do {
            schemas = try DialogSchemas.loadBundled()
            _ = try AccessRestrictionSchema.bundled()
        } catch {
            throw CommandFailure("cannot load the message and event schemas: \(error)")
        }
        let prometheus = PrometheusCollectorRegistry()
        let metricsFactory = PrometheusMetricsFactory(registry: prometheus)
        // An info metric (value 1) rather than a label on every series: a scraper joins on it.
        prometheus.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "hubd", metricName: "instance", unitName: "info",
                helpText: "This hubd instance's name (instance); always 1"),
            labels: [("instance", configuration.instance)]
        ).set(Double(1))

        let queueOptions = configuration.queueOptions
        let makeConsumer: @Sendable (String) -> AMQPConsumer = { queue in
            AMQPConsumer(
                settings: amqp.named("hubd ingress \(queue)"), queue: queue, options: queueOptions,
                prefetch: UInt16(clamping: configuration.prefetch), maxUnackedBytes: configuration.prefetchBytes,
                maxBatch: configuration.batchSize, logger: logger.with("queue", queue))
        }
        let consumer = makeConsumer(settings.submitQueue)
        // The hub's own queues are declared by whoever uses them first, and the dead-letter queue
        // also at start (wire contract §1: declared, not only once something is dead-lettered);
        // parties' queues only with declare_queues = all.
        let client = AMQPClient(
            settings: amqp.named("hubd dispatch"), name: "hubd dispatch", logger: logger,
            queues: [settings.submitQueue: queueOptions, settings.deadLetterQueue: queueOptions])
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        /// A set-up step that may refuse the configuration: the client is shut down before the
        /// error leaves (AsyncHTTPClient stops a debug build whose client is dropped unshut).
        func orShutDown<T>(_ step: () async throws -> T) async throws -> T {
            do {
                return try await step()
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }
        let submissions = DirectSubmissionSource()
        var sources: [any SubmissionSource] = [AMQPSubmissionSource(consumer: consumer)]
        if configuration.httpAddress != nil { sources.append(submissions) }
        let hub = HubService(
            settings: settings, store: store, sources: sources,
            transport: SplitTransport(
                queues: AMQPQueueTransport(client: client, declaring: configuration.declareQueues == .all ? queueOptions : nil),
                endpoints: WebhookTransport(client: httpClient, logger: logger)),
            schemas: schemas, eventTopology: AMQPEventTopology(client: client, queueOptions: queueOptions),
            logger: logger, metrics: HubMetrics(factory: metricsFactory))
        let gateways = GatewayConsumers(hub: hub, logger: logger, makeConsumer: makeConsumer)

        let deadLetterQueue = settings.deadLetterQueue
        let declareOwnQueues: @Sendable () async throws(AMQPError) -> Void = {
            _ = try await client.declareQueue(deadLetterQueue, options: queueOptions)
        }
        var services: [any Service] = [HubRunner(hub: hub, gateways: gateways, declareOwnQueues: declareOwnQueues)]
        let proms = promsService?.endpoints(store: store, hub: hub, settings: settings, httpClient: httpClient, logger: logger)
        if let proms { services.append(PromsRunner(orders: proms.orders)) }
        if let addressRegister {
            let sync = try await orShutDown {
                try await addressRegister.registrySync(store: store, httpClient: httpClient, logger: logger, changed: { hub.nudge() })
            }
            services.append(RegistrySyncRunner(sync: sync))
        }
        if let address = configuration.httpAddress, let (host, port) = HubdConfiguration.hostAndPort(address) {
            let restSettings = try await orShutDown {
                try configuration.restSettings(host: host, port: port, maxMessageBytes: settings.maxMessageBytes)
            }
            let fleetProofs = configuration.postgres == nil ? nil : FleetProofLog(store: store, logger: logger)
            let authenticator = try await orShutDown {
                try await configuration.authenticator(httpClient: httpClient, logger: logger, fleetProofs: fleetProofs)
            }
            let api = RESTAPI(
                settings: restSettings, hub: hub, submissions: submissions, authenticator: authenticator,
                readiness: ReadinessCheck(broker: {
                    // A link that lost its node and is reconnecting (to another node of a
                    // cluster) stays ready for a grace period: fleet contract §2, "losing one
                    // RabbitMQ node of three … /readyz of the surviving instances stays ready".
                    let grace = Duration.seconds(15)
                    if consumer.isDown(grace: grace) {
                        return "the submission consumer has no connection to the broker: \(consumer.lastError ?? "connecting")"
                    }
                    if client.isDown(grace: grace) {
                        return "dispatch has no connection to the broker: \(client.lastError ?? "connecting")"
                    }
                    return nil
                }),
                prometheus: prometheus, metrics: RESTMetrics(factory: metricsFactory),
                channelsChanged: { await gateways.reconcile() }, logger: logger, proms: proms)
            services.append(api.application())
        }
        // A service that fails (the REST port taken, say) shuts the others down gracefully, as
        // SIGTERM does: cancelled instead, the hub's loops would go on, and hubd never exit.
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup) }, logger: logger))
        let signals = ShutdownSignals { await group.triggerGracefulShutdown() }
        logger.info("hubd serving", metadata: [
            "broker": "\(amqp.redacted)", "queue_type": "\(configuration.queueType.rawValue)",
            "submit_queue": "\(settings.submitQueue)",
            "database": "\(configuration.databaseForLogs)", "her_id": "\(settings.herId)",
            "http": "\(configuration.httpAddress ?? "off")",
            "proms": "\(proms == nil ? "off" : "on")",
            "ar": "\(addressRegister?.url ?? "off")",
        ])
        // A stop on an error still shuts down in order, then exits 1: a supervisor (systemd's
        // Restart=on-failure) must see the failure and start hubd again.
        var stoppedOn: (any Error)?
        do {
            try await group.run()
        } catch {
            stoppedOn = error
            logger.error("hubd stopped on an error", metadata: ["error": "\(error)"])
        }
        signals.cancel()
        // Another instance of a fleet takes over this one's jobs at once, not after the leases.
        do {
            try await store.releaseLeases()
        } catch {
            logger.warning("could not give up this instance's fleet leases; others take over when they run out",
                           metadata: ["error": "\(error)"])
        }
        submissions.abandonWaiting()
        await consumer.close()
        await gateways.closeAll()
        await client.close()
        try? await httpClient.shutdown()
        if let stoppedOn { throw CommandFailure("stopped on an error: \(stoppedOn)") }
        logger.info("hubd exited cleanly")
    }
}

/// The hub as a service of the group: runs until the group shuts down gracefully, then stops
/// taking submissions and finishes what it took. Gateway consumers follow the channels meanwhile.
struct HubRunner: Service {
    let hub: HubService
    let gateways: GatewayConsumers
    /// Declares the queues hubd owns and nothing consumes from (the dead letters).
    let declareOwnQueues: @Sendable () async throws(AMQPError) -> Void

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await hub.run() }
                group.addTask {
                    // Follows channel changes made by another process, and the registry; and
                    // declares hubd's own queues once the broker takes them (it may not be
                    // reachable at start, which the AMQP clients log).
                    var declared = false
                    while !Task.isCancelled {
                        if !declared { declared = (try? await declareOwnQueues()) != nil }
                        await gateways.reconcile()
                        try? await Task.sleep(for: .seconds(5))
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await hub.shutdown() }
        }
    }
}

extension HubdConfiguration {
    /// How hubd declares every queue it declares (its own, gateway and event queues, and the
    /// parties' with declare_queues = all): durable, never exclusive or auto-delete, so that
    /// each can be a quorum queue.
    var queueOptions: AMQPQueueOptions { AMQPQueueOptions(type: queueType) }

    func restSettings(host: String, port: Int, maxMessageBytes: Int) throws -> RESTSettings {
        var publicURL: URL?
        if let text = httpPublicURL {
            guard let url = URL(string: text), url.scheme != nil, url.host != nil else {
                throw ConfigurationError("http_public_url must be a URL such as https://hubd.example.no, not '\(text)'")
            }
            publicURL = url
        }
        return RESTSettings(
            host: host, port: port, publicURL: publicURL, maxMessageBytes: maxMessageBytes,
            requestTimeout: .milliseconds(Int64(httpRequestTimeoutSeconds * 1000)),
            rateLimit: httpRateLimit, rateBurst: httpRateBurst, metricsOpen: metricsOpen, pvkCovers: pvkCovers)
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
