import Foundation

/// Realistic submissions: the example innsyn dialog, its question padded to the wanted size,
/// each with its own MsgId: `<run>-<n>` (nearly in order, the default, which the reports
/// until 2026-12-05 used), or a random UUID as senders make them (`randomMsgIds`). A random
/// MsgId is a random key in the store's MsgId index, which costs hubd more CPU per message the
/// larger the store (docs/performance.md, "Random MsgIds").
struct BenchMessages: Sendable {
    let size: Int
    let randomMsgIds: Bool
    private let head: String
    private let tail: String
    private let padding: String

    init(exampleDirectory: URL, size: Int, randomMsgIds: Bool) throws {
        self.size = size
        self.randomMsgIds = randomMsgIds
        let template = try String(contentsOf: exampleDirectory.appendingPathComponent("innsyn_bruk.xml"), encoding: .utf8)
        let marker = "Hvem har brukt opplysningene mine?"
        guard let range = template.range(of: marker) else {
            throw BenchError("innsyn_bruk.xml has no question to pad")
        }
        head = String(template[..<range.upperBound])
        tail = String(template[range.upperBound...])
        let missing = max(0, size - template.utf8.count)
        let sentence = " Jeg vil vite hvem som har sett journalen min."
        padding = String(repeating: sentence, count: missing / sentence.utf8.count + 1).prefix(missing).description
    }

    /// The body for message number `index`: about `size` bytes, a unique MsgId.
    func body(_ index: Int, run: String) -> [UInt8] {
        let msgId = randomMsgIds ? UUID().uuidString.lowercased() : "\(run)-\(index)"
        let text = (head + padding + tail).replacingOccurrences(
            of: "<MsgId>35bf992d-c9e9-4616-a12e-7696a6cecc1b</MsgId>", with: "<MsgId>\(msgId)</MsgId>")
        return Array(text.utf8)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
