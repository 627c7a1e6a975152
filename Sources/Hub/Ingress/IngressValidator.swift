import AddressRegistry
import Dialogs
import Foundation

/// The ingress checks of wire contract §2, in their order, as a function of the submission,
/// the registry, the parties' delivery channels and the clock. The duplicate check needs the
/// store and happens when the decision is committed (first, for keys already accepted; see
/// `IngressDecision`).
package struct IngressValidator: Sendable {
    package var settings: HubSettings
    package var schemas: DialogSchemas
    /// Which parties receive over REST: such a party needs no async queue (registry contract).
    package var channels: ChannelCache?

    package init(settings: HubSettings, schemas: DialogSchemas, channels: ChannelCache? = nil) {
        self.settings = settings
        self.schemas = schemas
        self.channels = channels
    }

    /// Whether a message can be delivered to `party`: active and valid, with an async queue or
    /// a REST channel (registry contract: "a party with no `E_SB_ASYNC` and no REST delivery
    /// configured cannot receive").
    func canReceive(_ party: CommunicationParty) -> Bool {
        if party.canReceive { return true }
        guard party.active, party.isValidCommunicationParty, let channels else { return false }
        return channels.channel(of: party.herId) != .amqp
    }

    package func evaluate(_ submission: Submission, registry: AddressRegistry, now: Date) -> IngressDecision {
        let properties = submission.properties
        if let condition = properties.headers[HeaderName.errorCondition], !condition.isEmpty, submission.body.isEmpty {
            return evaluateReceiverError(submission, registry: registry, now: now)
        }
        if SubmissionFields.declaredFunction(properties) == EventRouting.messageFunction {
            return evaluateEvent(submission, registry: registry, now: now)
        }
        // The body is read once, up front: check 1 may need the message function from it.
        let parsed: Result<ParsedDialog, DialogError>
        do {
            parsed = .success(try DialogParser(maxBytes: settings.maxMessageBytes).parse(submission.body))
        } catch {
            parsed = .failure(error)
        }
        let document = try? parsed.get()
        let fields = SubmissionFields(properties, payloadFunction: document?.messageFunction)
        let acceptedKey = fields.from.flatMap { from in
            document?.message.map { DuplicateKey.accepted(senderHerId: from.herId, msgId: $0.id) }
        }

        // A REST sender hears of a refusal in the answer to its request: nothing is stored for
        // it, and it needs no error queue.
        let direct = submission.origin == .rest
        /// A sender who cannot be told over AMQP (checks 1 and 2): a dead letter, or for REST the answer.
        func unroutable(_ reason: String, data: [String], acceptedKey: DuplicateKey?) -> IngressDecision {
            guard !direct else {
                return .reject(Rejection(.invalidFieldValue, reason, data: data), notice: nil, acceptedKey: acceptedKey)
            }
            return .deadLetter(deadLetter(submission, fields, reason: reason), acceptedKey: acceptedKey)
        }
        // 1. Fields; without a usable fromHerId nobody can be told, as in 2.
        guard let from = fields.from else {
            return unroutable("fromHerId is missing or not a HER-id", data: ["fromHerId"], acceptedKey: nil)
        }
        func reject(_ rejection: Rejection) -> IngressDecision {
            .reject(rejection, notice: direct ? nil : notice(fields, rejection, now: now), acceptedKey: acceptedKey)
        }
        let missing = fields.missing
        // Check 1 comes before check 2, as the contract orders them: a missing or malformed field
        // is answered to any sender that can be told (it has an error queue), even one that
        // check 2 would refuse as inactive or not valid.
        if !missing.isEmpty, direct || registry.party(herId: from.herId)?.queue(.error) != nil {
            return reject(Rejection(.invalidFieldValue, "One or more fields are missing", data: missing))
        }
        // 2. Sender.
        let sender: CommunicationParty
        switch Self.sender(from.herId, in: registry, needsErrorQueue: !direct) {
        case .success(let party): sender = party
        case .failure(let problem):
            return unroutable(problem.reason, data: ["fromHerId", from.text], acceptedKey: acceptedKey)
        }
        guard missing.isEmpty, let to = fields.to, let function = fields.function, let messageId = fields.messageId else {
            return reject(Rejection(.invalidFieldValue, "One or more fields are missing", data: missing))
        }
        // 3. Body.
        guard let document else { return reject(Rejection(.notWellFormedXML, "Could not deserialize payload")) }
        // 4. Schema, before the routing fields are required, so that a MsgHead without a MsgId
        // gets the schema's precise reason.
        if let violation = document.validate(with: schemas) {
            return reject(Rejection(.notWellFormedXML, violation.description))
        }
        guard let message = document.message else {
            return reject(Rejection(.notWellFormedXML, "Could not deserialize payload"))
        }
        // 5. Header against payload.
        if let rejection = Self.headerMismatch(message, from: from, to: to, function: function, declared: fields.functionIsDeclared) {
            return reject(rejection)
        }
        // The catalogue's rules for the payload (the register dialogs' patient identity).
        if let rejection = Self.patientIdentityRejection(message) {
            return reject(rejection)
        }
        // 6. Receiver.
        guard let receiver = registry.party(herId: to.herId), canReceive(receiver) else {
            return reject(Rejection(
                .invalidFieldValue, "Receiver \(to.text) is not a valid communication party", data: ["toHerId", to.text]))
        }
        // 7. Capability.
        guard receiver.accepts(messageFunction: function) else {
            return reject(Rejection(.unsupportedMessage, "Receiver \(to.text) does not accept \(function)", data: [function]))
        }
        // 8. Duplicates: checked against the store when the decision is committed.
        return .accept(NewMessage(
            messageId: messageId,
            kind: message.isAppRec ? .appRec : .dialog,
            fromHerId: from.herId, toHerId: to.herId,
            messageFunction: function, msgId: message.id,
            target: .partyAsync(herId: to.herId),
            properties: DeliveryProperties.make(
                submitted: properties, message: message, sender: sender,
                fromHerId: from.herId, toHerId: to.herId, messageId: messageId),
            body: submission.body,
            expiresAt: expiry(of: properties, now: now),
            duplicateKey: acceptedKey,
            correlation: Self.correlation(of: message),
            origin: submission.origin,
            conversation: conversationLink(message)))
    }

    /// Check 5: the payload's parties and function against the headers. Values are echoed as
    /// the headers gave them (a HER-id keeps its leading zeros); a payload function that breaks
    /// the rule for functions is echoed as empty, never as it is.
    static func headerMismatch(
        _ message: DialogMessage, from: (text: String, herId: Int), to: (text: String, herId: Int),
        function: String, declared: Bool
    ) -> Rejection? {
        guard message.sender.effective == from.herId else {
            return Rejection(
                .spoofingAttack, "The sender in the payload is not fromHerId",
                data: [from.text, message.sender.effective.map(String.init) ?? ""])
        }
        guard message.receiver.effective == to.herId else {
            return Rejection(
                .invalidFieldValue, "The receiver in the payload is not toHerId",
                data: [to.text, message.receiver.effective.map(String.init) ?? ""])
        }
        if declared, function != message.messageFunction {
            let received = MessageFunction.isWellFormed(message.messageFunction) ? message.messageFunction : ""
            return Rejection(
                .invalidFieldValue, "The message function does not match the payload", data: [function, received])
        }
        return nil
    }

    /// A receiver's own error message (§4): only its routing fields are checked, it is never
    /// answered, and it travels unchanged to the error queue of `toHerId`.
    private func evaluateReceiverError(_ submission: Submission, registry: AddressRegistry, now: Date) -> IngressDecision {
        let properties = submission.properties
        let fields = SubmissionFields(properties, payloadFunction: nil)
        let originalMessageId = properties.headers[HeaderName.originalMessageId].flatMap {
            SubmissionFields.isWellFormedMessageId($0) ? $0 : nil
        }
        var missing: [String] = []
        if fields.to == nil { missing.append("toHerId") }
        if fields.from == nil { missing.append("fromHerId") }
        if originalMessageId == nil { missing.append("originalMessageId") }
        if fields.messageId == nil { missing.append("MessageId") }
        let acceptedKey = fields.from.flatMap { from in
            fields.messageId.map { DuplicateKey.receiverError(senderHerId: from.herId, messageId: $0) }
        }
        guard let from = fields.from, let to = fields.to, let messageId = fields.messageId, let originalMessageId else {
            let reason = "error message without a usable " + missing.joined(separator: ", ") + " cannot be routed"
            return .deadLetter(deadLetter(submission, fields, reason: reason), acceptedKey: acceptedKey)
        }
        if case .failure(let problem) = Self.sender(from.herId, in: registry) {
            return .deadLetter(deadLetter(submission, fields, reason: problem.reason), acceptedKey: acceptedKey)
        }
        // Routed unchanged, except `expiration` (it tells the hub how long to try, and must not
        // become a time-to-live on the receiver's queue) and a malformed message function,
        // which is never sent on.
        var routed = properties
        routed.expiration = nil
        if fields.function == nil {
            routed.type = nil
            routed.headers[HeaderName.messageType] = nil
        }
        return .accept(NewMessage(
            messageId: messageId, kind: .receiverError, fromHerId: from.herId, toHerId: to.herId,
            messageFunction: fields.function, msgId: nil, target: .partyError(herId: to.herId),
            properties: routed, body: submission.body,
            expiresAt: expiry(of: properties, now: now),
            duplicateKey: acceptedKey,
            correlation: .errorMessage(originalMessageId: originalMessageId, errorSender: from.herId, errorReceiver: to.herId)))
    }

    /// The error message that tells a submission's sender (known good in `fields`) of a refusal.
    func notice(_ fields: SubmissionFields, _ rejection: Rejection, now: Date) -> NewMessage {
        var notice = ErrorMessageFactory(hubHerId: settings.herId, expiry: settings.defaultExpiry)
            .notice(for: ErrorMessageFactory.Original(fields), rejection: rejection, now: now)
        // A redelivered refusal (a crash before its acknowledgement) is answered once.
        notice.duplicateKey = fields.from.flatMap { from in
            fields.messageId.map { DuplicateKey.refusal(senderHerId: from.herId, messageId: $0) }
        }
        return notice
    }

    /// A dead letter of a submission. The properties and body are kept as they came (a replay
    /// submits them again); the columns `hubd dead list` shows hold only well-formed values, or
    /// the masked and escaped form of a malformed one.
    func deadLetter(_ submission: Submission, _ fields: SubmissionFields, reason: String) -> DeadLetterDraft {
        let headers = submission.properties.headers
        let from = fields.from?.text ?? headers[HeaderName.fromHerId].map { LogSafe.text($0) }
        let messageId = SubmissionFields.displayMessageId(submission.properties.messageId)
        var draft = DeadLetterDraft(
            messageId: messageId, fromHerId: from,
            toHerId: fields.to?.text ?? headers[HeaderName.toHerId].map { LogSafe.text($0) },
            messageFunction: fields.function, reason: reason,
            properties: submission.properties, body: submission.body)
        // A redelivered one (a crash before its acknowledgement) becomes one dead letter, not two.
        draft.duplicateKey = submission.properties.messageId.map {
            DuplicateKey.deadLetter(fromHeader: headers[HeaderName.fromHerId], messageId: $0)
        }
        return draft
    }

    /// The submission's `expiration` (milliseconds) when it is a usable number, else the default.
    private func expiry(of properties: MessageProperties, now: Date) -> Date {
        if let text = properties.expiration, let milliseconds = Double(text), milliseconds.isFinite, milliseconds >= 0 {
            return now.addingTimeInterval(min(milliseconds / 1000, 10 * 365 * 24 * 3600))
        }
        return now.addingTimeInterval(settings.defaultExpiry)
    }

    struct SenderProblem: Error {
        var reason: String
    }

    /// The sending party, when errors about its submissions can be routed back to it.
    static func sender(_ herId: Int, in registry: AddressRegistry, needsErrorQueue: Bool = true) -> Result<CommunicationParty, SenderProblem> {
        guard let party = registry.party(herId: herId) else {
            return .failure(SenderProblem(reason: "sender \(herId) is not in the registry"))
        }
        if !party.active { return .failure(SenderProblem(reason: "sender \(herId) is not active")) }
        if !party.isValidCommunicationParty {
            return .failure(SenderProblem(reason: "sender \(herId) is not a valid communication party"))
        }
        if needsErrorQueue, party.queue(.error) == nil { return .failure(SenderProblem(reason: "sender \(herId) has no error queue")) }
        return .success(party)
    }

    static func correlation(of message: DialogMessage) -> ReceiptCorrelation? {
        guard case .appRec(let info) = message,
              let sender = info.sender.effective, let receiver = info.receiver.effective else { return nil }
        let status: MessageStatus
        switch info.status {
        case .ok: status = .acknowledged
        case .okWithErrors: status = .acknowledgedWithErrors
        case .rejected: status = .rejected
        case .other: return nil
        }
        return .appRec(originalMsgId: info.originalMsgId, originalSender: receiver, originalReceiver: sender, status: status)
    }
}
