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
