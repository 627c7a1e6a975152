import Synchronization

/// The first of two: what a piece of work gives, or the end of its time. Work that never ends
/// (a statement postgres-nio never answers) is left running, and the caller goes on.
final class FirstOutcome<T: Sendable>: Sendable {
    /// The work's time ran out first: its limit passed, or what it works on has gone.
    struct TimedOut: Error {
        var gone: Bool
    }

    private let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)

    private init() {}

    /// `body`'s result, or `TimedOut` when it has none within `limit`, or none a second after
    /// `gone` (checked every second) first said that what it works on is gone.
    static func of(
        body: @escaping @Sendable () async throws -> T, within limit: Duration, abandonedWhen gone: @escaping @Sendable () -> Bool
    ) async throws -> T {
        let outcome = FirstOutcome()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.waiting.withLock { $0 = continuation }
            let timer = Task {
                let deadline = ContinuousClock.now + limit
                var goneSince: ContinuousClock.Instant?
                while ContinuousClock.now < deadline {
                    guard (try? await Task.sleep(for: .seconds(1))) != nil else { return }
                    if let since = goneSince, ContinuousClock.now - since >= .seconds(1) { break }
                    if goneSince == nil, gone() { goneSince = ContinuousClock.now }
                }
                outcome.finish(.failure(TimedOut(gone: goneSince != nil)))
            }
            Task {
                let result: Result<T, any Error>
                do {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                timer.cancel()
                outcome.finish(result)
            }
        }
    }

    private func finish(_ result: Result<T, any Error>) {
        waiting.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }?.resume(with: result)
    }
}
