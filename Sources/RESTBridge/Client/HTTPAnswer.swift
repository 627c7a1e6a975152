import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// An outgoing request's answer, read whole: what hubd's clients of other services (PROMs,
/// AR, HelseID) decide on. Webhooks read only the status and drop the body instead.
struct HTTPAnswer: Sendable {
    var status: UInt
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// Sends `request` and reads the answer's body, failing past `limit` bytes or `timeout`.
    static func fetch(_ request: HTTPClientRequest, with client: HTTPClient, timeout: Duration, limit: Int) async throws -> HTTPAnswer {
        let response = try await client.execute(request, timeout: TimeAmount(timeout))
        return HTTPAnswer(status: response.status.code, headers: response.headers, body: try await response.body.collect(upTo: limit))
    }
}
