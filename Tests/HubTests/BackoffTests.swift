import Hub
import Testing

@Suite struct BackoffTests {
    @Test func doublesFromAboutOneSecondAndCapsAtFiveMinutes() {
        let policy = Backoff()
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == 1)
        #expect(policy.delay(afterAttempt: 2, random: 0.5) == 2)
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == 4)
        #expect(policy.delay(afterAttempt: 9, random: 0.5) == 256)
        #expect(policy.delay(afterAttempt: 10, random: 0.5) == 300)
        #expect(policy.delay(afterAttempt: 1000, random: 0.99) == 300)
    }

    @Test func jitterSpreadsDelaysAroundTheBase() {
        let policy = Backoff(initialDelay: 10, maximumDelay: 1000, jitter: 0.2)
        #expect(policy.delay(afterAttempt: 1, random: 0) == 9)
        #expect(policy.delay(afterAttempt: 1, random: 0.999_999) > 10.99)
    }
}
