import Logging
import Synchronization

/// A logger whose lines a test reads back: level, message and metadata, rendered as one line
/// each as a log collector would see them.
final class RecordedLog: Sendable {
    private let lines = Mutex<[(level: Logger.Level, text: String)]>([])

    var logger: Logger {
        var logger = Logger(label: "hubd-test") { _ in Handler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The lines at `level`, each with its metadata.
    func lines(at level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.level == level }.map(\.text) }
    }

    /// Every line, each with its metadata.
    var all: [String] { lines.withLock { $0.map(\.text) } }

    private struct Handler: LogHandler {
        let sink: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = ([event.message.description] + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: " ")
            sink.lines.withLock { $0.append((event.level, text)) }
        }
    }
}
