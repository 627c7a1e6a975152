/// Why the store could not do what was asked.
///
/// `kind` tells the pipeline what to do about it. A transient failure (disk full, I/O error, a
/// locked database) goes away once the store recovers, so the work waits and is tried again; a
/// permanent one (a constraint or encoding error in one row) comes back on every try, so the
/// record that causes it must be taken out of the way instead. `underlying` is the backend's
/// own error, kept whole (for SQLite a `SQLiteFailure` with its extended result code) so that
/// logs and tests see exactly what the database said.
package struct StoreError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// Worth retrying once the store recovers.
        case transient
        /// Fails the same way every time for the same input.
        case permanent
    }

    /// What the store was doing, in an operator's words ("commit submissions").
    package var operation: String
    package var kind: Kind
    package var underlying: any Error & Sendable

    package init(_ operation: String, kind: Kind, underlying: any Error & Sendable) {
        self.operation = operation
        self.kind = kind
        self.underlying = underlying
    }

    package var isTransient: Bool { kind == .transient }

    package var description: String { "store: \(operation) failed: \(underlying)" }
}
