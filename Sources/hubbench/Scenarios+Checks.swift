import Dialogs
import Foundation

extension Scenarios {
    /// The ingress checks' own cost, measured in this process on one thread: no broker, no store
    /// and no other process shares the measurement, and a run takes seconds, so a change to
    /// parsing or validation can be judged in many alternating rounds (docs/performance.md).
    struct ChecksResult: Codable {
        var size: Int
        var messages: Int
        /// Thread CPU time per message of `DialogParser.parse` (the pre-scan, libxml2's parse
        /// and reading the routing fields).
        var parseMicroseconds: Double
        /// The same with the XSD validation of each parsed message.
        var parseAndValidateMicroseconds: Double
    }

    /// Parses, then parses and validates, `count` bench messages of `size` bytes: 1,000 distinct
    /// ones (each with its own MsgId, as the other scenarios send them), taken in turn.
    func checks(size: Int, count: Int) throws -> ChecksResult {
        let messages = try environment.messages(size: size)
        let bodies = (0..<min(count, 1000)).map { messages.body($0, run: "checks") }
        let schemas = try DialogSchemas.loadBundled()
        let parser = DialogParser(maxBytes: 64 << 20)
        func perMessage(validating: Bool) throws -> Double {
            let start = ProcessCPU.currentThread()
            for index in 0..<count {
                let parsed = try parser.parse(bodies[index % bodies.count])
                if validating, let violation = parsed.validate(with: schemas) {
                    throw BenchError("the bench message is not valid: \(violation)")
                }
            }
            return (ProcessCPU.currentThread() - start) * 1e6 / Double(max(count, 1))
        }
        // One pass first, so that libxml2's and the allocator's first-use costs are not counted.
        _ = try perMessage(validating: true)
        return ChecksResult(
            size: size, messages: count,
            parseMicroseconds: try perMessage(validating: false), parseAndValidateMicroseconds: try perMessage(validating: true))
    }
}
