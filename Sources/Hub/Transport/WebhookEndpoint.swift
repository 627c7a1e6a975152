/// A party's webhook: where messages to it are POSTed, and the secret they are signed with.
package struct WebhookEndpoint: Sendable, Hashable, Codable {
    package var url: String
    package var secret: String

    package init(url: String, secret: String) {
        self.url = url
        self.secret = secret
    }
}
