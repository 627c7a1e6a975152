import Foundation

/// An AMQP 1.0 client (python-qpid-proton, `Tests/interop/amqp10_client.py`) standing in for
/// Helsenorge.Messaging: it talks to the test broker's `rabbitmq_amqp1_0` plugin.
///
/// It runs with the project's `.venv` (made by `scripts/setup`). When that or the library is
/// missing the test fails, never skips: interoperability with 1.0 clients is a promise.
struct ProtonClient {
    static var python: URL { TestEnvironment.repositoryRoot.appendingPathComponent(".venv/bin/python") }
    static var script: URL { TestEnvironment.repositoryRoot.appendingPathComponent("Tests/interop/amqp10_client.py") }

    /// A message as the 1.0 client sends or sees it.
    struct Message: Codable, Sendable {
        var id: String?
        var subject: String?
        var correlationId: String?
        var replyTo: String?
        var contentType: String?
        var to: String?
        var properties: [String: String?]
        var bodyHex: String
        /// `data` (one data section, as Helsenorge.Messaging sends), `value-binary` or `value-string`.
        var bodyForm: String?

        var body: [UInt8] {
            var bytes: [UInt8] = []
            var index = bodyHex.startIndex
            while index < bodyHex.endIndex {
                let next = bodyHex.index(index, offsetBy: 2)
                bytes.append(UInt8(bodyHex[index..<next], radix: 16) ?? 0)
                index = next
            }
            return bytes
        }

        init(id: String?, subject: String?, contentType: String? = "application/xml", replyTo: String? = nil,
             properties: [String: String], body: [UInt8], bodyForm: String = "data") {
            self.id = id
            self.subject = subject
            self.contentType = contentType
            self.replyTo = replyTo
            self.properties = properties
            self.bodyHex = body.map { String(format: "%02x", $0) }.joined()
            self.bodyForm = bodyForm
        }

        enum CodingKeys: String, CodingKey {
            case id, subject, to, properties
            case correlationId = "correlation_id", replyTo = "reply_to", contentType = "content_type"
            case bodyHex = "body_hex", bodyForm = "body_form"
        }
    }

    /// Sends `message` to `queue` (an existing queue) over AMQP 1.0.
    static func send(_ message: Message, to queue: String) async throws {
        let input = try JSONEncoder().encode(message)
        _ = try await run(["send", TestEnvironment.amqpURL, queue], input: input, timeout: 60)
    }

    /// The next message on `queue`, received and accepted over AMQP 1.0.
    static func receive(from queue: String, timeout: Duration = .seconds(20)) async throws -> Message {
        let seconds = Double(timeout.components.seconds)
        let output = try await run(["receive", TestEnvironment.amqpURL, queue, String(seconds)], input: nil, timeout: seconds + 30)
        return try JSONDecoder().decode(Message.self, from: output)
    }

    /// Runs the script on a thread of its own: it blocks, and the hub under test needs the
    /// cooperative pool's few threads meanwhile.
    private static func run(_ arguments: [String], input: Data?, timeout: Double) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(arguments, input: input, timeout: timeout) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], input: Data?, timeout: Double) throws -> Data {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestFailure("no \(python.path): run scripts/setup (it installs python-qpid-proton)")
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        // The script bounds its own waits; this is the backstop against a hung interpreter.
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        guard process.terminationStatus == 0 else {
            throw TestFailure("amqp10_client.py \(arguments[0]) exited with \(process.terminationStatus): "
                + String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return output
    }
}
