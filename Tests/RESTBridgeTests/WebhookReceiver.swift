import Hummingbird
import Logging
import Synchronization

/// A webhook receiver on 127.0.0.1 (a real Hummingbird server on a free port) that records every
/// POST to `/hook` and answers it as told.
final class WebhookReceiver: Sendable {
    enum Answer: Sendable {
        case status(Int)
        /// A 307 back to `/hook`, which a client following redirects POSTs again.
        case redirect
        /// No answer until the server stops.
        case hang
        /// 200 with a body of 1 MiB.
        case largeBody
        /// 200 with a body that starts and does not end until the server stops.
        case endlessBody
    }

    struct Received: Sendable {
        /// By lowercase name.
        var headers: [String: String]
        var body: [UInt8]
    }

    private let answer: @Sendable (Received) -> Answer
    private let state = Mutex<(received: [Received], inFlight: Int, peakInFlight: Int)>(([], 0, 0))
    private let delay: Duration

    /// - Parameters:
    ///   - delay: how long each answer takes, so that concurrent requests overlap.
    ///   - answer: the answer to each request.
    init(delay: Duration = .zero, answer: @escaping @Sendable (Received) -> Answer) {
        self.delay = delay
        self.answer = answer
    }

    /// Answers requests from `script` in the order they arrive, then with 200.
    convenience init(script: [Answer]) {
        let remaining = Mutex(script)
        self.init { _ in remaining.withLock { $0.isEmpty ? .status(200) : $0.removeFirst() } }
    }

    var received: [Received] { state.withLock { $0.received } }
    /// The most requests that were being answered at once.
    var peakInFlight: Int { state.withLock { $0.peakInFlight } }

    /// Runs `test` with the receiver listening; `test` gets its URL. The server stops (and
    /// hanging requests end) when `test` returns.
    func run<T: Sendable>(_ test: (_ url: String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let received = Received(
                headers: Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first }),
                body: Array(buffer: try await request.body.collect(upTo: 1 << 20)))
            self.state.withLock { state in
                state.received.append(received)
                state.inFlight += 1
                state.peakInFlight = max(state.peakInFlight, state.inFlight)
            }
            defer { self.state.withLock { $0.inFlight -= 1 } }
            try await Task.sleep(for: self.delay)
            switch self.answer(received) {
            case .status(let code): return Response(status: .init(code: code))
            case .redirect: return Response(status: .temporaryRedirect, headers: [.location: "/hook"])
            case .hang:
                try await Task.sleep(for: .seconds(600))
                return Response(status: .ok)
            case .largeBody:
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x61, count: 1 << 20)))
            case .endlessBody:
                return Response(status: .ok, body: .init { writer in
                    try await writer.write(ByteBuffer(repeating: 0x61, count: 1024))
                    try await Task.sleep(for: .seconds(600))
                    try await writer.finish(nil)
                })
            }
        }
        let (ports, announce) = AsyncStream.makeStream(of: Int?.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { announce.yield($0.localAddress?.port) },
            logger: Logger(label: "webhook-receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let announced = await iterator.next(), let port = announced else { throw ReceiverNotListening() }
            return try await test("http://127.0.0.1:\(port)/hook")
        }
    }

    struct ReceiverNotListening: Error {}
}
