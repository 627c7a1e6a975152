import AsyncHTTPClient
import Foundation
import Hub
import Logging
import RESTBridge

extension HubdConfiguration {
    /// The national PROMs service as configured: where it is and the two keys.
    struct PromsService {
        var url: String
        var apiKey: String
        var callbackKey: String
        var expiryCheckSeconds: Double

        /// The hub's PROMs orders over this service, and what the API needs of them.
        func endpoints(store: any HubStore, hub: HubService, settings: HubSettings, httpClient: HTTPClient, logger: Logger) -> PromsEndpoints {
            let client = PromsHTTPClient(client: httpClient, baseURL: url, apiKey: apiKey, logger: logger)
            let orders = PromsOrders(
                store: store, client: client,
                settings: PromsSettings(
                    retry: settings.retry, expiryCheckInterval: expiryCheckSeconds, pushExpiry: settings.defaultExpiry,
                    retention: settings.messageRetention),
                logger: logger, pushed: { hub.nudge() })
            return PromsEndpoints(orders: orders, callbackKey: callbackKey)
        }
    }

    /// The PROMs service from `proms_*`: nil without `proms_url`. With it, both keys are
    /// required: an order hubd cannot place, or a callback it cannot check, is no use.
    func promsService() throws -> PromsService? {
        guard let promsURL else {
            guard promsAPIKey == nil, promsCallbackKey == nil else {
                throw ConfigurationError("proms_api_key and proms_callback_key need proms_url (HUBD_PROMS_URL)")
            }
            return nil
        }
        guard let url = URL(string: promsURL), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              url.host?.isEmpty == false else {
            throw ConfigurationError("proms_url must be an http or https URL such as https://proms.example.no/promswebapi")
        }
        guard let promsAPIKey, let promsCallbackKey else {
            throw ConfigurationError(
                "proms_url needs proms_api_key (HUBD_PROMS_API_KEY) and proms_callback_key (HUBD_PROMS_CALLBACK_KEY)")
        }
        return PromsService(
            url: promsURL, apiKey: promsAPIKey, callbackKey: promsCallbackKey, expiryCheckSeconds: promsExpiryCheckSeconds)
    }
}
