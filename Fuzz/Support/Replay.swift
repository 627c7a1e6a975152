import Foundation

/// Runs a target once over files and directories of inputs, without libFuzzer: the seed
/// corpus as a quick check, or one artefact under a debugger.
///
/// `replay-dialogs Fuzz/Corpus/dialogs .run/fuzz/artifacts/dialogs-crash-…`
@main
enum Replay {
    static func main() {
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            for file in files(at: URL(fileURLWithPath: argument)) {
                guard let data = FileManager.default.contents(atPath: file.path) else {
                    FileHandle.standardError.write(Data("replay: cannot read \(file.path)\n".utf8))
                    exit(2)
                }
                fuzzOne(Array(data))
                count += 1
            }
        }
        print("replay: \(count) inputs, no finding")
    }

    private static func files(at url: URL) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [url] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { url.appendingPathComponent($0) }
    }
}
