/// How a submission reached the hub, which decides how its sender hears of refusals and failures.
package enum SubmissionOrigin: String, Sendable, Codable {
    /// From a queue (the submission queue, or a party's own queue in gateway mode): refusals
    /// and failures go to the sender's error queue as error messages.
    case amqp
    /// From the REST API: refusals are the HTTP answer itself (nothing is stored for them),
    /// and later failures are notifications.
    case rest
    /// From the own queue of a party that receives over REST (gateway mode): as `amqp`, and a
    /// message hubd itself put on that queue before the party left AMQP is taken back into
    /// the hub and handed to the party over REST.
    case gateway
}
