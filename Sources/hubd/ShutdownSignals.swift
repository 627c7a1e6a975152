import Dispatch
import Synchronization
import Foundation

/// Turns the first SIGTERM or SIGINT into a graceful shutdown; a second one ends the process
/// at once, for an operator who will not wait.
final class ShutdownSignals {
    private let sources: [any DispatchSourceSignal]

    init(onShutdown: @escaping @Sendable () async -> Void) {
        let received = Counter()
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.increment() > 1 { Foundation.exit(130) }
                Task { await onShutdown() }
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }

    private final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}
