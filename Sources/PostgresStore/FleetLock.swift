/// The keys of the transaction-scoped advisory locks (`pg_advisory_xact_lock`) the store takes.
/// Numbers, not names: PostgreSQL's advisory locks are keyed by a 64-bit integer. The values
/// are arbitrary but fixed, and distinct from anything else that may share the database.
enum FleetLock: Int64 {
    /// Schema migrations: instances starting together migrate one after the other.
    case migration = 0x6875_6264_0001
    /// Notification positions: handed out and committed one transaction at a time.
    case notification = 0x6875_6264_0002
    /// Event sequences and per-citizen sequences, likewise.
    case event = 0x6875_6264_0003
}
