import AddressRegistry
import Dialogs
import Foundation

/// The ingress checks of wire contract §2, in their order, as a pure function of the
/// submission, the registry and the clock. The duplicate check (the last) needs the store
/// and happens when the decision is committed.
package struct IngressValidator: Sendable {
    package var settings: HubSettings
    package var schemas: DialogSchemas

    package init(settings: HubSettings, schemas: DialogSchemas) {
        self.settings = settings
        self.schemas = schemas
    }

    package func evaluate(_ submission: Submission, registry: AddressRegistry, now: Date) -> IngressDecision {
        let headers = submission.properties.headers
        if let condition = headers[HeaderName.errorCondition], !condition.isEmpty, submission.body.isEmpty {
            return evaluateReceiverError(submission, registry: registry, now: now)
        }
        let properties = submission.properties
        let fromText = headers[HeaderName.fromHerId]
        let toText = headers[HeaderName.toHerId]
        let from = Self.herId(fromText)
        let to = Self.herId(toText)

        // The body is read once, up front: check 1 may need the message function from it.
        let parsed: Result<ParsedDialog, DialogError>
        do {
            parsed = .success(try DialogParser(maxBytes: settings.maxMessageBytes).parse(submission.body))
        } catch {
            parsed = .failure(error)
        }
        let declaredFunction = Self.nonEmpty(headers[HeaderName.messageType]) ?? Self.nonEmpty(properties.type)
        let function = declaredFunction ?? Self.nonEmpty((try? parsed.get())?.messageFunction)

        // 1. Fields.
        var missing: [String] = []
        if to == nil { missing.append("toHerId") }
        if from == nil { missing.append("fromHerId") }
        if function == nil { missing.append("Label") }
        if !(headers[HeaderName.applicationTimeStamp].map(Timestamp.isDateTime) ?? false) {
            missing.append("applicationTimeStamp")
        }
        if !Self.isAcceptedContentType(properties.contentType) { missing.append("ContentType") }
        if Self.nonEmpty(properties.messageId) == nil { missing.append("MessageId") }

        guard let from else {
            return .deadLetter(deadLetter(submission, function: function, reason: "fromHerId is missing or not a HER-id"))
        }
        // 2. Sender: without a routable error queue nobody can be told, so it becomes a dead letter.
        let sender: CommunicationParty
        switch Self.sender(from, in: registry) {
        case .success(let party): sender = party
        case .failure(let problem): return .deadLetter(deadLetter(submission, function: function, reason: problem.reason))
        }
        let original = ErrorMessageFactory.Original(
            messageId: properties.messageId, fromHerId: from, toHerId: toText, messageFunction: function)
        func reject(_ rejection: Rejection) -> IngressDecision {
            let factory = ErrorMessageFactory(hubHerId: settings.herId, expiry: settings.defaultExpiry)
            var notice = factory.notice(for: original, rejection: rejection, now: now)
            // A redelivered refusal (a crash before its acknowledgement) is answered once.
            notice.duplicateKey = properties.messageId.map { DuplicateKey.refusal(senderHerId: from, messageId: $0) }
            return .reject(rejection, notice: notice)
        }
        guard missing.isEmpty, let to, let messageId = properties.messageId else {
            return reject(Rejection(.invalidFieldValue, "One or more fields are missing", data: missing))
        }

        // 3. Body.
        let document: ParsedDialog
        switch parsed {
        case .success(let value): document = value
        case .failure: return reject(Rejection(.notWellFormedXML, "Could not deserialize payload"))
        }
        // 4. Schema. Validated before the routing fields are required, so a MsgHead without a
        // MsgId gets the schema's precise reason.
        if let violation = document.validate(with: schemas) {
            return reject(Rejection(.notWellFormedXML, violation.description))
        }
        guard let message = document.message else {
            return reject(Rejection(.notWellFormedXML, "Could not deserialize payload"))
        }
        // 5. Header against payload.
        guard message.sender.effective == from else {
            return reject(Rejection(
                .spoofingAttack, "The sender in the payload is not fromHerId",
                data: [String(from), message.sender.effective.map(String.init) ?? ""]))
        }
        guard message.receiver.effective == to else {
            return reject(Rejection(
                .invalidFieldValue, "The receiver in the payload is not toHerId",
                data: [String(to), message.receiver.effective.map(String.init) ?? ""]))
        }
        if let declaredFunction, declaredFunction != message.messageFunction {
            return reject(Rejection(
                .invalidFieldValue, "The message function does not match the payload",
                data: [declaredFunction, message.messageFunction]))
        }
        // 6. Receiver.
        guard let receiver = registry.party(herId: to), receiver.canReceive else {
            return reject(Rejection(
                .invalidFieldValue, "Receiver \(to) is not a valid communication party", data: ["toHerId", String(to)]))
        }
        // 7. Capability.
        guard receiver.accepts(messageFunction: message.messageFunction) else {
            return reject(Rejection(
                .unsupportedMessage, "Receiver \(to) does not accept \(message.messageFunction)",
                data: [message.messageFunction]))
        }
        // 8. Duplicates: checked against the store when the decision is committed.
        return .accept(NewMessage(
            messageId: messageId,
            kind: message.isAppRec ? .appRec : .dialog,
            fromHerId: from, toHerId: to,
            messageFunction: message.messageFunction, msgId: message.id,
            target: .partyAsync(herId: to),
            properties: DeliveryProperties.make(
                submitted: properties, message: message, sender: sender,
                fromHerId: from, toHerId: to, messageId: messageId),
            body: submission.body,
            expiresAt: expiry(of: properties, now: now),
            duplicateKey: DuplicateKey(senderHerId: from, key: message.id),
            correlation: Self.correlation(of: message)))
    }

    /// A receiver's own error message (§4): only its routing fields are checked, it is never
    /// answered, and it travels unchanged to the error queue of `toHerId`.
    private func evaluateReceiverError(_ submission: Submission, registry: AddressRegistry, now: Date) -> IngressDecision {
        let properties = submission.properties
        let headers = properties.headers
        let function = Self.nonEmpty(headers[HeaderName.messageType]) ?? Self.nonEmpty(properties.type)
        var missing: [String] = []
        let to = Self.herId(headers[HeaderName.toHerId])
        let from = Self.herId(headers[HeaderName.fromHerId])
        if to == nil { missing.append("toHerId") }
        if from == nil { missing.append("fromHerId") }
        if Self.nonEmpty(headers[HeaderName.originalMessageId]) == nil { missing.append("originalMessageId") }
        if Self.nonEmpty(properties.messageId) == nil { missing.append("MessageId") }
        guard let from, let to, let messageId = properties.messageId, missing.isEmpty,
              let originalMessageId = headers[HeaderName.originalMessageId]
        else {
            let reason = "error message without " + missing.joined(separator: ", ") + " cannot be routed"
            return .deadLetter(deadLetter(submission, function: function, reason: reason))
        }
        if case .failure(let problem) = Self.sender(from, in: registry) {
            return .deadLetter(deadLetter(submission, function: function, reason: problem.reason))
        }
        // Routed unchanged, except `expiration`: it tells the hub how long to try, and must not
        // become a time-to-live on the receiver's queue.
        var routed = properties
        routed.expiration = nil
        return .accept(NewMessage(
            messageId: messageId, kind: .receiverError, fromHerId: from, toHerId: to,
            messageFunction: function, msgId: nil, target: .partyError(herId: to),
            properties: routed, body: submission.body,
            expiresAt: expiry(of: properties, now: now),
            duplicateKey: .receiverError(senderHerId: from, messageId: messageId),
            correlation: .errorMessage(originalMessageId: originalMessageId, errorSender: from, errorReceiver: to)))
    }

    private func deadLetter(_ submission: Submission, function: String?, reason: String) -> DeadLetterDraft {
        let headers = submission.properties.headers
        let from = headers[HeaderName.fromHerId]
        var draft = DeadLetterDraft(
            messageId: submission.properties.messageId,
            fromHerId: from, toHerId: headers[HeaderName.toHerId],
            messageFunction: function, reason: reason,
            properties: submission.properties, body: submission.body)
        // A redelivered one (a crash before its acknowledgement) becomes one dead letter, not two.
        draft.duplicateKey = submission.properties.messageId.map { DuplicateKey.deadLetter(fromHeader: from, messageId: $0) }
        return draft
    }

    /// The submission's `expiration` (milliseconds) when it is a usable number, else the default.
    private func expiry(of properties: MessageProperties, now: Date) -> Date {
        if let text = properties.expiration, let milliseconds = Double(text), milliseconds.isFinite, milliseconds >= 0 {
            return now.addingTimeInterval(milliseconds / 1000)
        }
        return now.addingTimeInterval(settings.defaultExpiry)
    }

    struct SenderProblem: Error {
        var reason: String
    }

    /// The sending party, when errors about its submissions can be routed back to it.
    static func sender(_ herId: Int, in registry: AddressRegistry) -> Result<CommunicationParty, SenderProblem> {
        guard let party = registry.party(herId: herId) else {
            return .failure(SenderProblem(reason: "sender \(herId) is not in the registry"))
        }
        if !party.active { return .failure(SenderProblem(reason: "sender \(herId) is not active")) }
        if !party.isValidCommunicationParty {
            return .failure(SenderProblem(reason: "sender \(herId) is not a valid communication party"))
        }
        if party.queue(.error) == nil { return .failure(SenderProblem(reason: "sender \(herId) has no error queue")) }
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

    /// A HER-id header: a positive integer, as text.
    static func herId(_ text: String?) -> Int? {
        guard let text, let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else { return nil }
        return value
    }

    static func isAcceptedContentType(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "application/xml" || mediaType == "text/plain"
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
