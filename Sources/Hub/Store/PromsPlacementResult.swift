import Foundation

/// What became of one attempt to place an order, as the store records it.
package enum PromsPlacementResult: Sendable {
    /// The service created the order: it is `ordered`.
    case ordered(formOrderId: String, notificationChannel: String?)
    /// The order will not be placed: it is `failed`, for `reason`.
    case failed(reason: String)
    /// Try again at `nextAttempt`; `error` is kept as the last error.
    case retry(error: String, nextAttempt: Date)
}
