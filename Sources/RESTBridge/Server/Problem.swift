import Dialogs
import Foundation
import HTTPTypes
import Hummingbird
import Hub

/// An error answer (RFC 9457 problem details), as every 4xx and 5xx of the API is. The texts
/// are hubd's own; a value from a request is masked before it appears in one.
package struct Problem: Error, Sendable {
    package var status: HTTPResponse.Status
    /// A URI: `urn:hubd:<errorCondition>` for the checks shared with AMQP ingress.
    package var type: String
    package var title: String
    package var detail: String?
    package var errorCondition: String?
    package var errorConditionData: String?
    package var headers: HTTPFields = [:]

    package init(_ status: HTTPResponse.Status, type: String? = nil, title: String? = nil, detail: String? = nil) {
        self.status = status
        self.type = type ?? "about:blank"
        self.title = title ?? status.reasonPhrase
        self.detail = detail.map { LogSafe.text($0, limit: 500) }
    }

    /// The answer to a submission refused by an ingress check: the AMQP error message's fields.
    package init(refusal: Rejection) {
        self.init(.badRequest, type: "urn:hubd:" + refusal.condition.rawValue, title: "The message was refused",
                  detail: refusal.description)
        errorCondition = refusal.condition.rawValue
        errorConditionData = NationalIdMask.mask(refusal.data)
    }

    /// 503 with `Retry-After`: nothing was stored now, and sending `what` again later is safe.
    package static func notStoredNow(_ what: String) -> Problem {
        var problem = Problem(
            .serviceUnavailable, type: "urn:hubd:unavailable", detail: "hubd could not store \(what) now; sending it again later is safe")
        problem.headers[.retryAfter] = "5"
        return problem
    }

    package static func badRequest(_ detail: String) -> Problem {
        Problem(.badRequest, type: "urn:hubd:bad-request", detail: detail)
    }

    package static func notFound(_ detail: String = "No such resource") -> Problem {
        Problem(.notFound, type: "urn:hubd:not-found", detail: detail)
    }

    package static func forbidden(herIds: [Int]) -> Problem {
        let list = herIds.sorted().map(String.init).joined(separator: ", ")
        return Problem(.forbidden, type: "urn:hubd:forbidden", detail: "The token does not act for HER-id \(list)")
    }

    /// The JSON body, with the request id it answers.
    func body(requestId: String, instance: String?) -> [String: JSONScalar] {
        var body: [String: JSONScalar] = [
            "type": .string(type), "title": .string(title), "status": .int(Int(status.code)),
            "requestId": .string(requestId),
        ]
        if let detail { body["detail"] = .string(detail) }
        if let instance { body["instance"] = .string(instance) }
        if let errorCondition { body["errorCondition"] = .string(errorCondition) }
        if let errorConditionData { body["errorConditionData"] = .string(errorConditionData) }
        return body
    }
}

/// A JSON value of a flat object.
enum JSONScalar: Encodable, Sendable {
    case string(String)
    case int(Int)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        }
    }
}
