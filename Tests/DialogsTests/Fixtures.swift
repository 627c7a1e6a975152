import Foundation
import Testing
@testable import Dialogs

/// The example messages in `deploy/examples/messages/` and the bundled schemas, loaded once.
enum Fixtures {
    static let examplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // DialogsTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repository root
        .appendingPathComponent("deploy/examples/messages")

    static let msgHeadExamples = [
        "innsyn_bruk.xml", "innsyn_helseopplysninger.xml", "innsyn_utlevering.xml",
        "melde_feil.xml", "sletting_eller_sperring.xml",
    ]
    static let appRecExamples = ["apprec-ok.xml", "apprec-rejected.xml"]

    /// The synthetic national identity number of the examples' patient.
    static let patientId = "19826606056"

    private static let loadedSchemas = Result { () throws(SchemaLoadError) -> DialogSchemas in try DialogSchemas.loadBundled() }

    static func schemas() throws -> DialogSchemas { try loadedSchemas.get() }

    static let parser = DialogParser(maxBytes: 16 << 20)

    static func text(_ name: String) throws -> String {
        try String(contentsOf: examplesDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try text(name).utf8)
    }

    /// An example with `target` replaced; fails the test when `target` is not in it, so a
    /// changed example cannot silently turn a test into a no-op.
    static func example(
        _ name: String, replacing target: String, with replacement: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt8] {
        let original = try text(name)
        try #require(original.contains(target), "\(name) has no \(target)", sourceLocation: sourceLocation)
        return Array(original.replacingOccurrences(of: target, with: replacement).utf8)
    }

    /// The project's shared material (public fixtures, examples), read at run time and never
    /// copied into the repository: `HUBD_SHARED`, else `/work/shared`. Tests that need it are
    /// skipped where it is absent.
    static let sharedDirectory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HUBD_SHARED"] ?? "/work/shared")

    static let publicFixturesDirectory = sharedDirectory.appendingPathComponent("fixtures/public")

    static var hasPublicFixtures: Bool {
        FileManager.default.fileExists(atPath: publicFixturesDirectory.appendingPathComponent("manifest.json").path)
    }

    /// A public fixture's bytes, by its path under `fixtures/public`.
    static func publicFixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: publicFixturesDirectory.appendingPathComponent(path)))
    }

    /// `unit` repeated `count` times, built without per-element appends so that 16 MiB bodies
    /// are quick to make even unoptimised.
    static func repeated(_ unit: String, _ count: Int) -> [UInt8] {
        let bytes = Array(unit.utf8)
        let total = bytes.count * max(count, 0)
        guard total > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            // Doubling what is already there: a few dozen copies for any count.
            var filled = bytes.count
            while filled < total {
                let chunk = min(filled, total - filled)
                (base + filled).copyMemory(from: base, byteCount: chunk)
                filled += chunk
            }
            initialized = total
        }
    }

    /// The CPU time the calling thread spends in `body`. Timing bounds use it rather than the
    /// wall clock, which also counts whatever else the machine's cores are doing meanwhile.
    static func cpuTime(_ body: () throws -> Void) rethrows -> Duration {
        func now() -> Duration {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }
        let start = now()
        try body()
        return now() - start
    }

    static func parse(_ text: String) throws -> ParsedDialog {
        try parser.parse(Array(text.utf8))
    }

    /// The `DialogError` that parsing `bytes` throws, nil when it parses.
    static func parseError(_ bytes: [UInt8], parser: DialogParser = parser) -> DialogError? {
        do {
            _ = try parser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }
}
