import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: gives every request its id (`X-Request-Id` on every answer),
/// turns every error into a problem+json answer, answers 405 for a method a known path does
/// not have, and logs each answer without a payload value.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let routes: RouteTableBox
    let metrics: RESTMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestId = Self.requestId(request)
        context.logger[metadataKey: "request_id"] = "\(context.requestId)"
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = render(problem, request: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            if allowed.isEmpty {
                response = render(.notFound(), request: request, context: context)
            } else {
                var problem = Problem(.methodNotAllowed, type: "urn:hubd:method-not-allowed",
                                      detail: "This path has no \(request.method.rawValue)")
                // HEAD is answered wherever GET is (Hummingbird makes it from the GET endpoint).
                let names = Set(allowed.map(\.rawValue)).union(allowed.contains(.get) ? ["HEAD"] : [])
                problem.headers[.allow] = names.sorted().joined(separator: ", ")
                response = render(problem, request: request, context: context)
            }
        } catch let error as HTTPError {
            response = render(Problem(error.status, detail: error.body), request: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(LogSafe.text(String(describing: error)))"])
            response = render(Problem(.internalServerError, detail: "The request could not be handled"), request: request, context: context)
        }
        response.headers[.requestId] = context.requestId
        metrics.record(method: request.method, status: response.status, duration: ContinuousClock.now - started)
        if response.status.code >= 500 {
            context.logger.warning("answered", metadata: ["status": "\(response.status.code)", "path": "\(LogSafe.text(request.uri.path))"])
        } else {
            context.logger.debug("answered", metadata: ["status": "\(response.status.code)", "path": "\(LogSafe.text(request.uri.path))"])
        }
        return response
    }

    private func render(_ problem: Problem, request: Request, context: Context) -> Response {
        let body = problem.body(requestId: context.requestId, instance: LogSafe.text(request.uri.path, limit: 200))
        let data = (try? JSONEncoder.sorted.encode(body)) ?? Data()
        var headers = problem.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The caller's own id when it is a sane one, else a new UUID.
    static func requestId(_ request: Request) -> String {
        for name in [HTTPField.Name.requestId, HTTPField.Name.nhnEventId] {
            if let given = request.headers[name], (1...128).contains(given.utf8.count),
               given.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }),
               !NationalIdMask.containsNationalId(given) {
                return given
            }
        }
        return RandomID.make()
    }
}

extension HTTPField.Name {
    static let requestId = Self("X-Request-Id")!
    static let nhnEventId = Self("nhn-event-id")!
    static let dpop = Self("DPoP")!
}

extension JSONEncoder {
    /// Stable key order: answers compare and diff well.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
