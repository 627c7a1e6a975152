/// What a webhook POST carries, besides the signature.
package enum WebhookContent: Sendable {
    /// A message: the JSON of `GET /messages/{id}` with the document's bytes beside it
    /// (rest.md §5). The message id is the idempotency key.
    case message(MessageSummary)
    /// A JSON document POSTed as it is (an event, events.md §4), under this idempotency key.
    case document(idempotencyKey: String)
}
