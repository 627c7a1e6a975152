import Synchronization

/// The name of this hubd instance (`instance`), which every log line carries once the
/// configuration is read: with several instances on one database and one broker cluster, it
/// says which process wrote a line.
enum LogInstance {
    private static let selected = Mutex<String?>(nil)

    static var current: String? {
        get { selected.withLock { $0 } }
        set { selected.withLock { $0 = newValue } }
    }
}
