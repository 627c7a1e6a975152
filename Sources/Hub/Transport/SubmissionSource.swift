/// Where submissions come from (the AMQP submission queue, parties' queues in gateway mode,
/// the REST API).
///
/// The hub settles a batch only after everything it decided about the batch is committed
/// to the store, so a source must keep unsettled submissions and offer them again after a
/// crash or reconnect.
package protocol SubmissionSource: Sendable {
    /// The submissions, in batches. Called once.
    func submissions() -> AsyncStream<[Submission]>
    /// Removes every submission of the batch from the source (one group acknowledgement).
    /// `outcomes` has one entry per submission, in the batch's order.
    func settle(_ batch: [Submission], outcomes: [SubmissionOutcome]) async
    /// Takes no new submissions for now; unsettled ones stay with the source.
    func pause() async
    /// Takes submissions again after `pause()`.
    func resume() async
    /// Stops taking new submissions; the stream ends after what it already holds.
    func stop() async
}
