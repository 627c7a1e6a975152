import Synchronization

/// How hubd writes its log lines: `text` for people, `json` (one object per line) for log
/// collectors. Chosen by `log_format`; the process starts with `text` and switches once the
/// configuration is read.
enum LogFormat: String, Sendable {
    case text, json

    private static let selected = Mutex(LogFormat.text)

    static var current: LogFormat {
        get { selected.withLock { $0 } }
        set { selected.withLock { $0 = newValue } }
    }
}
