import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird

extension RESTAPI {
    func addConfigurationRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.put, "/mshconfigurations")
        router.put("/mshconfigurations") { request, context in
            let caller = try caller(context)
            let body = try await bodies.decode(MshConfigurationsBody.self, from: request)
            // 403 for a party the token does not hold, whatever else is wrong with the body (as
            // `POST /proms/orders`); what is no HER-id is left to the 400 below, so that a 403
            // never names a national identity number.
            try caller.require(body.configurations.map(\.herId).filter(HerId.isValid))
            let channels = try Self.channels(of: body)
            try await setChannels(channels)
            return Response(status: .noContent)
        }
        router.get("/mshconfigurations") { request, context in
            let herIds = try QueryParameters(request.uri.query).herIds("HerIds")
            try caller(context).require(herIds)
            return try json(MshConfigurationsBody(configurations: herIds.map { herId in
                let channel = hub.channels.channel(of: herId)
                var webhook: MshConfigurationBody.Webhook?
                if case .webhook(let endpoint) = channel { webhook = .init(url: endpoint.url, secret: nil) }
                return MshConfigurationBody(herId: herId, receiveNotificationChannel: channel.name, webhook: webhook)
            }))
        }
        table.add(.get, "/mshconfigurations")
        router.delete("/mshconfigurations") { request, context in
            let herIds = try QueryParameters(request.uri.query).herIds("HerIds")
            try caller(context).require(herIds)
            try await setChannels(Dictionary(uniqueKeysWithValues: herIds.map { ($0, .amqp) }))
            return Response(status: .noContent)
        }
        table.add(.delete, "/mshconfigurations")
    }

    private func setChannels(_ channels: [Int: DeliveryChannel]) async throws {
        try await store.setDeliveryChannels(channels, now: Date())
        try await hub.channelsChanged()
        await channelsChanged()
    }

    /// The channels a `PUT /mshconfigurations` body (or the `delivery_channels` file) sets; 400
    /// for a value that is not a HER-id, a HER-id given twice, or an unusable channel.
    static func channels(of body: MshConfigurationsBody) throws(Problem) -> [Int: DeliveryChannel] {
        var channels: [Int: DeliveryChannel] = [:]
        for configuration in body.configurations {
            guard HerId.isValid(configuration.herId) else { throw Problem.badRequest("herId is not a HER-id") }
            guard channels[configuration.herId] == nil else {
                throw Problem.badRequest("herId \(configuration.herId) is configured twice")
            }
            channels[configuration.herId] = try channel(configuration)
        }
        return channels
    }

    /// A configuration's channel; 400 for an unknown name or an unusable webhook.
    private static func channel(_ configuration: MshConfigurationBody) throws(Problem) -> DeliveryChannel {
        switch configuration.receiveNotificationChannel.lowercased() {
        case "amqp": return .amqp
        case "api", "apipolling": return .api
        case "webhook":
            return .webhook(try webhookEndpoint(configuration.webhook))
        default:
            throw Problem.badRequest("receiveNotificationChannel must be Amqp, Api or Webhook")
        }
    }

    /// A usable webhook from a request body (a party's channel, an event subscription); 400 otherwise.
    static func webhookEndpoint(_ webhook: MshConfigurationBody.Webhook?) throws(Problem) -> WebhookEndpoint {
        guard let webhook else { throw Problem.badRequest("a Webhook channel needs webhook.url and webhook.secret") }
        guard let url = URL(string: webhook.url), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              url.host?.isEmpty == false, webhook.url.utf8.count <= 2000 else {
            throw Problem.badRequest("webhook.url must be an http or https URL")
        }
        // The contracts set no length: a short secret is the integrator's choice (docs/rest.md
        // advises 32 random bytes or more); only an empty or an unreasonably long one is refused.
        guard let secret = webhook.secret, !secret.isEmpty, secret.utf8.count <= 512 else {
            throw Problem.badRequest("webhook.secret must be 1 to 512 bytes")
        }
        return WebhookEndpoint(url: webhook.url, secret: secret)
    }
}
