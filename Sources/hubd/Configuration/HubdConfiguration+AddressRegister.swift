import AsyncHTTPClient
import Foundation
import Hub
import Logging
import RESTBridge

extension HubdConfiguration {
    /// The registry sync as configured: AR's URL, how often its feed is polled, and the HelseID
    /// client its calls get tokens from.
    struct AddressRegisterSync {
        var url: String
        var pollSeconds: Double
        var helseID: HelseID?

        /// The sync over AR's API.
        func registrySync(
            store: any HubStore, httpClient: HTTPClient, logger: Logger, changed: @escaping @Sendable () -> Void = {}
        ) async throws -> RegistrySync {
            let client = AddressRegisterHTTPClient(
                client: httpClient, baseURL: url, helseID: try await helseID?.client(httpClient: httpClient, logger: logger),
                logger: logger)
            return RegistrySync(
                store: store, client: client, settings: RegistrySyncSettings(pollInterval: pollSeconds), logger: logger,
                changed: changed)
        }
    }

    /// A HelseID client's settings, checked, and where its key is.
    struct HelseID {
        var settings: HelseIDSettings
        var keyFile: String

        /// The client. The key is read now, so a bad one stops hubd at start.
        func client(httpClient: HTTPClient, logger: Logger) async throws -> HelseIDClient {
            do {
                let key = try await ClientAssertionKey.load(from: URL(fileURLWithPath: keyFile))
                // A key of this process: tokens are kept in memory only, so nothing else needs it.
                return HelseIDClient(settings: settings, key: key, dpopKey: try DPoPKey.generate(), httpClient: httpClient, logger: logger)
            } catch {
                throw ConfigurationError("helseid_key: \(error)")
            }
        }
    }

    /// The registry sync from `ar_url` and `helseid_*`: nil without `ar_url`. The copy comes from
    /// AR or from a file, never both: a file imported at every start would undo the sync each time.
    func addressRegisterSync() throws -> AddressRegisterSync? {
        guard let arURL else { return nil }
        guard let url = URL(string: arURL), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              url.host?.isEmpty == false else {
            throw ConfigurationError("ar_url must be an http or https URL such as https://cpapi.test.grunndata.nhn.no, not '\(arURL)'")
        }
        guard registry == nil else {
            throw ConfigurationError(
                "registry (HUBD_REGISTRY) and ar_url (HUBD_AR_URL) exclude each other: the registry copy comes from a file or from AR")
        }
        return AddressRegisterSync(url: arURL, pollSeconds: arPollSeconds, helseID: try helseID(scope: arScope, scopeKey: "ar_scope"))
    }

    /// The HelseID client asking for `scope` (set by `scopeKey`), from `helseid_*`: nil without
    /// `helseid_token_url` (calls then carry no token). With it, the client id, the key file and
    /// the scope are required.
    func helseID(scope: String?, scopeKey: String) throws -> HelseID? {
        guard let helseIDTokenURL else {
            guard helseIDClientId == nil, helseIDKey == nil else {
                throw ConfigurationError("helseid_client_id and helseid_key need helseid_token_url (HUBD_HELSEID_TOKEN_URL)")
            }
            return nil
        }
        guard let helseIDClientId, let helseIDKey, let scope else {
            throw ConfigurationError(
                "helseid_token_url needs helseid_client_id (HUBD_HELSEID_CLIENT_ID), helseid_key (HUBD_HELSEID_KEY) and \(scopeKey) (HUBD_\(scopeKey.uppercased()))")
        }
        guard let settings = HelseIDSettings(tokenURL: helseIDTokenURL, clientId: helseIDClientId, scope: scope) else {
            throw ConfigurationError(
                "helseid_token_url must be an http or https URL such as https://helseid-sts.test.nhn.no/connect/token, not '\(helseIDTokenURL)'")
        }
        return HelseID(settings: settings, keyFile: helseIDKey)
    }
}
