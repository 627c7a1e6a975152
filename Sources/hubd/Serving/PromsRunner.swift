import Hub
import ServiceLifecycle

/// PROMs orders as a service of the group: places and expires orders until the group shuts
/// down gracefully, then records the placements in flight and stops.
struct PromsRunner: Service {
    let orders: PromsOrders

    func run() async throws {
        await withGracefulShutdownHandler {
            await orders.run()
        } onGracefulShutdown: {
            orders.shutdown()
        }
    }
}
