/// Whether a write transaction waits for the disk before it returns.
///
/// Every commit is written to SQLite's log at once, so a crash of hubd loses none. What
/// differs is a power loss (or a crash of the machine): a `.full` commit is on disk when it
/// returns (`synchronous=FULL`, an `fdatasync` of the log); a `.deferred` one gets there with
/// the next full commit or checkpoint, which sync the whole log, and until then it may be lost,
/// never torn. Only writes whose loss repeats work already allowed to repeat are deferred:
/// recording that a message went out (it is then sent again, which promise 2 of
/// docs/delivery.md allows) or that an attempt failed (it is then retried sooner).
enum CommitSync {
    case full
    case deferred

    var pragma: String {
        switch self {
        case .full: "PRAGMA synchronous = FULL"
        case .deferred: "PRAGMA synchronous = NORMAL"
        }
    }
}
