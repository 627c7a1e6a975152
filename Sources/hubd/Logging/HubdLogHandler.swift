import Dialogs
import Foundation
import Hub
import Logging
import Synchronization

/// hubd's log handler: one line per event on standard error, as text or JSON (`LogOutput`).
///
/// Whatever reaches it has already been through `LogSafe` where it came from outside; the
/// handler masks and escapes control characters in the whole message and every metadata value
/// once more (leaving backslashes, which the first pass escaped), so that no line can be forged
/// with a CR/LF and no identity number slips through a value nobody thought of.
struct HubdLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    /// Longest message or value written, in characters.
    static let valueLimit = 4000

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let output = LogOutput.current
        var merged: Logger.Metadata = [:]
        // Lowest precedence: a logger's own "instance" (none sets one) would win.
        if let instance = output.instance { merged["instance"] = .string(instance) }
        merged.merge(metadata) { $1 }
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        let fields = merged.map { (Self.safe($0.key), Self.safe(Self.flatten($0.value))) }
            .sorted { $0.0 < $1.0 }
        let time = Timestamp.format(Date())
        let message = Self.safe(event.message.description)
        let line: String
        switch output.format {
        case .text:
            let pairs = fields.map { "\(Self.logfmt($0.0))=\(Self.logfmt($0.1))" }.joined(separator: " ")
            line = "\(time) \(event.level) \(label):\(pairs.isEmpty ? "" : " " + pairs) [\(event.source)] \(message)\n"
        case .json:
            var object: [(String, String)] = [
                ("time", time), ("level", event.level.rawValue), ("label", label), ("source", event.source), ("message", message),
            ]
            let reserved = Set(object.map(\.0))
            object += fields.map { (reserved.contains($0.0) ? "metadata." + $0.0 : $0.0, $0.1) }
            line = "{" + object.map { "\(JSON.string($0.0)):\(JSON.string($0.1))" }.joined(separator: ",") + "}\n"
        }
        StandardError.write(line)
    }

    /// The second pass: whatever came from outside was escaped where it was logged, so
    /// backslashes stay as they are and nothing is escaped twice.
    private static func safe(_ text: String) -> String {
        LogSafe.text(text, limit: valueLimit, escapingBackslashes: false)
    }

    /// A value as logfmt writes it: quoted when it holds a space, `=` or `"`, so that no
    /// value can pass for another field.
    private static func logfmt(_ text: String) -> String {
        guard text.isEmpty || text.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let dictionary):
            "[" + dictionary.sorted { $0.key < $1.key }.map { "\($0.key): \(flatten($0.value))" }.joined(separator: ", ") + "]"
        }
    }

    /// JSON string literals (RFC 8259): the values are already free of control characters, but
    /// quotes and backslashes must still be escaped.
    enum JSON {
        static func string(_ text: String) -> String {
            var output = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                        output += String(format: "\\u%04x", scalar.value)
                    } else {
                        output.unicodeScalars.append(scalar)
                    }
                }
            }
            return output + "\""
        }
    }
}

/// Writes whole lines to standard error, one at a time, so lines from different threads never
/// interleave.
enum StandardError {
    private static let lock = Mutex(())

    static func write(_ line: String) {
        var bytes = Array(line.utf8)
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return Foundation.write(2, base + offset, buffer.count - offset)
                }
                if written <= 0 {
                    if written < 0, errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
