/// How hubd writes its log lines: `text` for people, `json` (one object per line) for log
/// collectors. Chosen by `log_format` (`LogOutput`).
enum LogFormat: String, Sendable {
    case text, json
}
