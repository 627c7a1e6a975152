import Hub
import ServiceLifecycle

/// The registry sync from AR as a service of the group: follows AR until the group shuts down
/// gracefully, then stops before its next call to AR.
struct RegistrySyncRunner: Service {
    let sync: RegistrySync

    func run() async throws {
        await withGracefulShutdownHandler {
            await sync.run()
        } onGracefulShutdown: {
            sync.shutdown()
        }
    }
}
