/// An event as the log holds it: its global sequence and its JSON.
package struct LoggedEvent: Sendable, Equatable {
    package var sequence: Int64
    /// The event's canonical JSON (which carries the national identity number: bodies only).
    package var body: [UInt8]

    package init(sequence: Int64, body: [UInt8]) {
        self.sequence = sequence
        self.body = body
    }
}
