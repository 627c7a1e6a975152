import Foundation

/// How hubd follows AR.
package struct RegistrySyncSettings: Sendable {
    /// Time between polls of AR's event feed (`ar_poll_seconds`).
    package var pollInterval: TimeInterval
    /// HER-ids per `POST /api/v1/communicationparty`: AR takes at most 100.
    package var batchSize: Int
    /// Events per `GET /api/v1/event`: AR gives at most 1000.
    package var maxEvents: Int

    package init(pollInterval: TimeInterval = 60, batchSize: Int = 100, maxEvents: Int = 1000) {
        self.pollInterval = pollInterval
        self.batchSize = min(max(1, batchSize), 100)
        self.maxEvents = min(max(1, maxEvents), 1000)
    }
}
