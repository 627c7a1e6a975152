import Hub
import Testing

@Suite struct BatchBufferTests {
    @Test func takesWhatArrivedUpToTheLimits() async {
        let buffer = BatchBuffer<Int>()
        buffer.append([1, 2, 3])
        buffer.append([4, 5])
        #expect(await buffer.take(limit: 4) == [1, 2, 3, 4])
        #expect(await buffer.take(limit: 4) == [5])
        buffer.append([10, 10, 10])
        // The weight limit stops a batch, but never makes it empty.
        #expect(await buffer.take(limit: 10, maxWeight: 15, weight: { $0 }) == [10])
        #expect(await buffer.take(limit: 10, maxWeight: 5, weight: { $0 }) == [10])
        #expect(await buffer.take(limit: 10, maxWeight: 25, weight: { $0 }) == [10])
        buffer.finish()
        #expect(await buffer.take(limit: 10) == nil)
    }

    @Test func waitsForTheProducer() async {
        let buffer = BatchBuffer<String>()
        async let taken = buffer.take(limit: 10)
        try? await Task.sleep(for: .milliseconds(50))
        buffer.append(["late"])
        #expect(await taken == ["late"])
    }
}
