import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why an outgoing HTTP request (a webhook POST, a PROMs order) got no answer, in a short
/// sentence for the status history and the operator; the full error goes to the debug log.
enum HTTPFailureReason {
    /// - Parameters:
    ///   - timeout: the request's time limit, named when it ran out.
    ///   - host: what was called ("the endpoint"), for the sentences that name it.
    static func describe(_ error: any Error, timeout: Duration, host: String) -> String {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded: "no answer within \(timeout)"
            case .connectTimeout: "no connection within \(timeout)"
            default: "HTTP request failed: \(error.shortDescription)"
            }
        case let error as NIOConnectionError:
            // NIO tries each of the host's addresses in turn; the last failure says why.
            error.connectionErrors.last.map { describe($0.error, timeout: timeout, host: host) }
                ?? "cannot resolve \(host)'s host"
        case let error as IOError where error.errnoCode == ECONNREFUSED: "connection refused"
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError: tlsReason(error)
        default: "cannot reach \(host): \(error)"
        }
    }

    /// BoringSSL's reason names (`CERTIFICATE_VERIFY_FAILED`) out of NIOSSL's description, which
    /// also carries error codes and source paths; the whole description when it holds none.
    private static func tlsReason(_ error: any Error) -> String {
        let description = "\(error)"
        let names = description.matches(of: /OPENSSL_internal:([A-Z0-9_]+)/).map { String($0.1) }
        return "TLS failed: " + (names.isEmpty ? description : names.joined(separator: ", "))
    }
}
