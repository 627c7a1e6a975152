import Hub

/// What the PROMs endpoints of the API need: the hub's orders, and the key the PROMs service
/// proves itself with on its callbacks (`HUBD_PROMS_CALLBACK_KEY`).
package struct PromsEndpoints: Sendable {
    package var orders: PromsOrders
    package var callbackKey: String

    package init(orders: PromsOrders, callbackKey: String) {
        self.orders = orders
        self.callbackKey = callbackKey
    }
}
