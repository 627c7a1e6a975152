import Foundation
import Testing
@testable import Dialogs

@Suite("The schema validator against Python's jsonschema", .timeLimit(.minutes(2)))
struct JSONSchemaDifferentialTests {
    /// The project's virtual environment, where scripts/setup installs jsonschema (schemathesis
    /// needs it). Missing, the test fails: skipping would hide that the validator went unchecked.
    static let python = EventSamples.packageRoot.appendingPathComponent(".venv/bin/python")
    static let script = EventSamples.packageRoot.appendingPathComponent("scripts/jsonschema-verdicts.py")

    @Test("Both give the same verdict on every document of the corpus")
    func sameVerdicts() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.python.path),
                     "\(Self.python.path) is missing: run scripts/setup, which installs Python's jsonschema into .venv")
        let corpus = EventCorpus.entries()
        #expect(corpus.count >= 200)
        let schema = try AccessRestrictionSchema.bundled()

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-jsonschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Not *.json, so the script does not take it for a document.
        let schemaFile = directory.appendingPathComponent("schema.json.in")
        try Data(schema.document).write(to: schemaFile)
        var ours: [String: Bool] = [:]
        for (index, entry) in corpus.enumerated() {
            let file = "\(10_000 + index).json"
            try Data(entry.bytes).write(to: directory.appendingPathComponent(file))
            ours[file] = (try? JSONReader.read(entry.bytes)).map { schema.compiled.validate($0) == nil } ?? false
        }

        let theirs = try Self.pythonVerdicts(schemaFile: schemaFile, directory: directory)
        #expect(theirs.count == corpus.count)
        for (index, entry) in corpus.enumerated() {
            let file = "\(10_000 + index).json"
            guard let verdict = theirs[file] else {
                Issue.record("no verdict from Python for \(entry.name)")
                continue
            }
            let valid = verdict == "valid"
            if ours[file] != valid {
                Issue.record("\(entry.name): hubd says \(ours[file] == true ? "valid" : "invalid"), jsonschema says \(verdict)")
            }
        }
        // Both verdicts are well represented, so neither side can agree by always saying one thing.
        let validCount = ours.values.filter { $0 }.count
        #expect(validCount >= 50 && corpus.count - validCount >= 150, "\(validCount) valid of \(corpus.count)")
    }

    /// Runs scripts/jsonschema-verdicts.py: file name → `valid`, `invalid` or `unreadable`.
    private static func pythonVerdicts(schemaFile: URL, directory: URL) throws -> [String: String] {
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, schemaFile.path, directory.path]
        // One pipe for both streams: read to its end, it cannot fill up and block the script.
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "jsonschema-verdicts.py failed:\n\(text)")
        var verdicts: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            try #require(fields.count == 2, "unexpected output from jsonschema-verdicts.py: \(line)")
            verdicts[String(fields[0])] = String(fields[1])
        }
        return verdicts
    }
}
