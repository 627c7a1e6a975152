/// Where a PROMs order stands (proms.md §1). Each appears at most once in an order's history.
///
/// `accepted` → `ordered` → `completed` | `expired`, or `failed` (the service refused the order,
/// or it could not be placed before its expiry date), or `error` (the service reported an
/// error after ordering, such as `PatientUnreachable`).
package enum PromsOrderStatus: String, Sendable, Codable, CaseIterable {
    case accepted
    case ordered
    case completed
    case expired
    case failed
    case error

    /// Nothing changes an order after these: later callbacks are acknowledged and dropped.
    package var isFinal: Bool { self == .completed || self == .expired || self == .failed }

    /// How far along an order in this status is. Callbacks may come out of order: a status
    /// reported late joins the history, but the order's status only moves forward.
    package var progress: Int {
        switch self {
        case .accepted: 0
        case .ordered: 1
        case .error: 2
        case .completed, .expired, .failed: 3
        }
    }
}
