import Dialogs
import Foundation
import Hub
import HTTPTypes
import Hummingbird

extension RESTAPI {
    func addMessageRoutes(to router: Router<HubRequestContext>, table: inout RouteTable) {
        table.add(.post, "/messages")
        router.post("/messages") { request, context in try await send(request, context) }
        table.add(.get, "/messages/:id")
        router.get("/messages/:id") { _, context in
            let message = try await visibleMessage(context)
            let conversation = try await store.conversation(ofMessage: message.id)
            return try json(MessageBody(summary: summary(of: message), conversation: conversation.map(ConversationBody.init)))
        }
        table.add(.get, "/messages/:id/business-document")
        router.get("/messages/:id/business-document") { _, context in
            let message = try await visibleMessage(context)
            return try json(BusinessDocumentResponse(
                businessDocument: Data(message.body).base64EncodedString(),
                contentType: message.contentType ?? "application/xml", contentTransferEncoding: "base64"))
        }
        table.add(.get, "/messages/:id/status")
        router.get("/messages/:id/status") { _, context in
            try json(status(of: try await visibleMessage(context)))
        }
        table.add(.put, "/messages/:id/downloaded")
        router.put("/messages/:id/downloaded") { request, context in try await downloaded(request, context) }
        table.add(.post, "/messages/:id/apprec")
        router.post("/messages/:id/apprec") { request, context in try await appRec(request, context) }
    }

    // MARK: Sending

    private func send(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let caller = try caller(context)
        let body = try SendMessageRequest(json: try await bodies.json(request))
        guard HerId.isValid(body.senderHerId) else { throw Problem.badRequest("senderHerId is not a HER-id") }
        try caller.require([body.senderHerId])
        guard body.receiverHerIds.count == 1, let receiver = body.receiverHerIds.first else {
            throw Problem.badRequest("receiverHerIds must name exactly one receiver")
        }
        guard HerId.isValid(receiver) else { throw Problem.badRequest("receiverHerIds holds a value that is not a HER-id") }
        guard body.contentTransferEncoding.lowercased() == "base64" else {
            throw Problem.badRequest("contentTransferEncoding must be base64")
        }
        guard let document = Data(base64Encoded: body.businessDocument) else {
            throw Problem.badRequest("businessDocument is not base64")
        }
        let function = body.messageTypeIdentificator.flatMap { $0.isEmpty ? nil : $0 }
        return try await submit(
            [UInt8](document), from: body.senderHerId, to: receiver, contentType: body.contentType, function: function)
    }

    /// Submits a document through the hub's ingress pipeline, with the headers an AMQP
    /// submission would carry, and answers as the contract says: 202 once stored, the same id
    /// again for the same document, 409 for another document with the same id, 400 for a refusal.
    func submit(_ document: [UInt8], from sender: Int, to receiver: Int, contentType: String, function: String?) async throws -> Response {
        let messageId = RandomID.make()
        var headers: MessageHeaders = [
            HeaderName.fromHerId: String(sender), HeaderName.toHerId: String(receiver),
            HeaderName.applicationTimeStamp: Timestamp.format(Date()),
        ]
        if let function { headers[HeaderName.messageType] = function }
        let properties = MessageProperties(messageId: messageId, contentType: contentType, type: function, headers: headers)
        guard let outcome = await submissions.submit(properties: properties, body: document, timeout: settings.requestTimeout) else {
            throw Problem.notStoredNow("the message")
        }
        switch outcome {
        case .accepted(let id):
            return accepted(id: id, location: "/messages/\(id)")
        case .refused(let rejection):
            throw Problem(refusal: rejection)
        case .deadLettered, .recorded:
            // Only a store that refused the row for good makes a REST submission a dead letter
            // (and a message is never recorded as an event).
            throw Problem(.internalServerError, type: "urn:hubd:not-stored", detail: "The message could not be stored; it is kept as a dead letter")
        case .duplicate:
            let msgId = (try? DialogParser(maxBytes: max(1, document.count)).parse(document))?.message?.id
            guard let msgId, let earlier = try await store.submittedMessage(senderHerId: sender, msgId: msgId) else {
                throw Problem(.conflict, type: "urn:hubd:conflict", detail: "A message with this MsgId was accepted before")
            }
            guard earlier.body == document else {
                throw Problem(.conflict, type: "urn:hubd:conflict",
                              detail: "A different document with this MsgId was accepted before")
            }
            return accepted(id: earlier.messageId, location: "/messages/\(earlier.messageId)")
        }
    }

    // MARK: Reading

    /// The message named in the path, if the caller sent or received it; 404 otherwise, so
    /// that the existence of another party's message is not revealed.
    func visibleMessage(_ context: HubRequestContext) async throws -> StoredMessage {
        let caller = try caller(context)
        guard let id = context.parameters.get("id"), (1...255).contains(id.utf8.count) else { throw Problem.notFound() }
        let candidates = try await store.storedMessages(messageId: id)
        guard let message = candidates.first(where: { message in
            [message.fromHerId, message.toHerId].contains { $0.map(caller.herIds.contains) ?? false }
        }) else { throw Problem.notFound("No message with this id for the token's parties") }
        return message
    }

    func summary(of message: StoredMessage) -> MessageSummary {
        MessageSummary(
            messageId: message.messageId, fromHerId: message.fromHerId, toHerId: message.toHerId,
            contentType: message.contentType, body: message.body, status: message.status)
    }

    func status(of message: StoredMessage) -> StatusResponse {
        var apprecInfo: StatusResponse.ApprecInfo?
        if let appRec = message.appRec,
           case .appRec(let info)? = (try? DialogParser(maxBytes: max(1, appRec.body.count)).parse(appRec.body))?.message {
            apprecInfo = StatusResponse.ApprecInfo(
                appRecStatus: Self.name(of: info.status),
                // The receiver's free text: it may name the patient, as any error description may.
                appRecErrorList: info.errors.map {
                    AppRecErrorBody(errorCode: NationalIdMask.mask($0.code ?? ""), details: nil,
                                    description: $0.description.map(NationalIdMask.mask), oid: nil)
                },
                appRecId: appRec.messageId)
        }
        return StatusResponse(
            statusList: [StatusResponse.StatusInfo(
                receiverHerId: message.toHerId, transportDeliveryState: message.transportState.rawValue,
                sent: message.sentAt.map(Timestamp.format), apprecInfo: apprecInfo)],
            history: message.history.map { StatusResponse.HistoryEntry(status: $0.status.rawValue, at: Timestamp.format($0.at), instance: $0.instance) })
    }

    static func name(of status: AppRecStatus) -> String {
        switch status {
        case .ok: "Ok"
        case .rejected: "Rejected"
        case .okWithErrors: "OkErrorInMessagePart"
        case .other(let code): code
        }
    }

    // MARK: Receiving

    private func downloaded(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let caller = try caller(context)
        let body = try await bodies.decode(DownloadedRequest.self, from: request)
        try caller.require([body.receiverHerId])
        let message = try await visibleMessage(context)
        guard message.toHerId == body.receiverHerId,
              try await store.markDownloaded(messageId: message.messageId, receiverHerId: body.receiverHerId, now: Date())
        else { throw Problem.notFound("No message with this id for that receiver") }
        return Response(status: .noContent)
    }

    /// Builds the AppRec with which the receiver answers a message, and routes it to the
    /// message's sender like any submission (it moves the message's status as any AppRec does).
    private func appRec(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let caller = try caller(context)
        let body = try await bodies.decode(AppRecRequest.self, from: request)
        guard HerId.isValid(body.appRecSenderHerId) else { throw Problem.badRequest("appRecSenderHerId is not a HER-id") }
        try caller.require([body.appRecSenderHerId])
        guard let outcome = AppRecOutcome(rawValue: body.appRecStatus) else {
            throw Problem.badRequest("appRecStatus must be Ok, Rejected or OkErrorInMessagePart")
        }
        let original = try await visibleMessage(context)
        guard original.toHerId == body.appRecSenderHerId else {
            throw Problem.badRequest("appRecSenderHerId is not the receiver of this message")
        }
        guard original.kind == .dialog, let sender = original.fromHerId else {
            throw Problem.badRequest("An application receipt cannot be answered with another")
        }
        let errors = (body.appRecErrorList ?? []).map {
            AppRecErrorEntry(code: $0.errorCode, details: $0.details, description: $0.description, oid: $0.oid)
        }
        let document: AppRecDocument
        do {
            let parsed = try DialogParser(maxBytes: max(1, original.body.count)).parse(original.body)
            document = try AppRecBuilder.build(
                answering: parsed, answeringHerId: body.appRecSenderHerId, status: outcome, errors: errors,
                id: UUID(), genDate: Date())
        } catch let error as AppRecBuildError {
            throw Problem.badRequest(error.description)
        } catch {
            throw Problem.badRequest("The message cannot be answered: its document does not read")
        }
        return try await submit(
            document.body, from: body.appRecSenderHerId, to: sender, contentType: "application/xml", function: "APPREC")
    }
}
