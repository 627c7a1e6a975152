/// The national PROMs service as the hub needs it: one call that places a form order. The
/// hub knows no HTTP; `RESTBridge` implements this over the service's API, tests with a double.
package protocol PromsServiceClient: Sendable {
    /// Places the order. The same `order.id` sent again (after a crash before the answer was
    /// recorded) must not create a second order at the service: implementations send it as the
    /// request's idempotency key.
    func place(_ order: PromsFormOrder) async -> PromsPlacement
}
