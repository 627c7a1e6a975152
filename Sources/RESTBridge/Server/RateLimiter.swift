import Foundation
import Synchronization

/// Requests per token: a token bucket per key, so that one client flooding the API gets 429
/// before the hub degrades for the others.
package final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// - Parameters:
    ///   - rate: requests per second a key may make on average.
    ///   - burst: how many it may make at once.
    package init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(1, burst)
    }

    /// Takes one request from the key's bucket; false (and how long to wait) when it is empty.
    package func admit(_ key: String, now: ContinuousClock.Instant = .now) -> (admitted: Bool, retryAfter: Int) {
        buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets = buckets.filter { now - $0.value.updated < .seconds(60) } }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = Double((now - bucket.updated).components.seconds) + Double((now - bucket.updated).components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return (false, max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))) }
            bucket.tokens -= 1
            return (true, 0)
        }
    }
}
