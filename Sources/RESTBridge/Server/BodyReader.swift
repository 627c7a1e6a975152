import Dialogs
import Foundation
import HTTPTypes
import Hummingbird

/// Reads JSON request bodies within the size limit and the request timeout.
struct BodyReader: Sendable {
    let limit: Int
    let timeout: Duration

    /// The body decoded as `T`. 413 past the limit (a declared length over it is refused
    /// before a byte of the body is read), 408 when it does not arrive in time, 415 when it
    /// is not JSON, 400 when it does not decode.
    func decode<T: Decodable & Sendable>(_ type: T.Type, from request: Request) async throws(Problem) -> T {
        let bytes = try await json(request)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw Problem.badRequest(Self.detail(for: error, in: bytes))
        }
    }

    /// The problem's detail for a body `JSONDecoder` refused. Foundation's decoder says only
    /// "not valid JSON", naming no member, both for a syntax error and for a number its member
    /// cannot take (a fraction for a whole number, say); hubd's own reader tells the two apart,
    /// and is asked only then.
    static func detail(for error: any Error, in bytes: [UInt8]) -> String {
        guard let error = error as? DecodingError else { return "The body is not valid JSON" }
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
            return (try? JSONReader.read(bytes)) == nil
                ? "The body is not valid JSON"
                : "The body is not valid: a number in it is not one its member takes (a fraction, or out of range)"
        }
        return "The body is not valid: " + describe(error)
    }

    /// The bytes of a JSON body, for a reader of its own: 413, 408 and 415 as for `decode`.
    func json(_ request: Request) async throws(Problem) -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw tooLarge }
        if let contentType = request.headers[.contentType],
           !contentType.lowercased().hasPrefix("application/json"), !contentType.lowercased().hasPrefix("application/problem+json") {
            throw Problem(.unsupportedMediaType, type: "urn:hubd:unsupported-media-type", detail: "The body must be application/json")
        }
        return Array(buffer: try await collect(request.body))
    }

    private var tooLarge: Problem { Self.tooLarge(limit) }

    /// A 413 that also closes the connection: the rest of the body is never read.
    static func tooLarge(_ limit: Int) -> Problem {
        var problem = Problem(.contentTooLarge, type: "urn:hubd:content-too-large", detail: "The body is larger than \(limit) bytes")
        problem.headers[.connection] = "close"
        return problem
    }

    private func collect(_ body: RequestBody) async throws(Problem) -> ByteBuffer {
        let limit = self.limit
        let timeout = self.timeout
        let result: Result<ByteBuffer, Problem> = await withTaskGroup(of: Result<ByteBuffer, Problem>?.self) { group in
            group.addTask {
                do {
                    return .success(try await body.collect(upTo: limit))
                } catch {
                    return .failure(Self.tooLarge(limit))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(Problem(.requestTimeout, type: "urn:hubd:request-timeout", detail: "The body did not arrive in time"))
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(Problem(.requestTimeout, type: "urn:hubd:request-timeout", detail: "The body did not arrive in time"))
        }
        return try result.get()
    }

    /// Where decoding failed, by field names only (never a value).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the body" : names.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context):
            return "\(path(context)) is not valid"
        @unknown default:
            return "it does not decode"
        }
    }
}
