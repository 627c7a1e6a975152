import Synchronization

/// What every log line depends on besides its event: the format, and the name of this hubd
/// instance. The process starts with text and no name; both are set once the configuration is
/// read. One value behind one lock, since the handler reads it for every line.
struct LogOutput: Sendable {
    var format = LogFormat.text
    /// `instance`, which every line carries: with several instances on one database and one
    /// broker cluster, it says which process wrote a line.
    var instance: String?

    private static let selected = Mutex(LogOutput())

    static var current: LogOutput {
        get { selected.withLock { $0 } }
        set { selected.withLock { $0 = newValue } }
    }
}
