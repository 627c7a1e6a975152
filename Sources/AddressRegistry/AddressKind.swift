/// The service-bus address kinds hubd routes to.
package enum AddressKind: String, Sendable, CaseIterable {
    case async = "E_SB_ASYNC"
    case sync = "E_SB_SYNC"
    case error = "E_SB_ERROR"
    case syncReply = "E_SB_SYNCREPLY"
}
