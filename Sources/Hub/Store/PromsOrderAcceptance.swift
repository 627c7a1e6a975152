/// What the store made of a register's form order.
package enum PromsOrderAcceptance: Sendable, Equatable {
    /// Stored as a new order with this id.
    case created(id: String)
    /// The same order (same register, reference and content) was stored before, with this id.
    case existing(id: String)
    /// The register used this reference before for an order with other content.
    case conflict
}
