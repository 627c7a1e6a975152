import AddressRegistry
import Dialogs
import Foundation
@testable import Hub
import Testing

/// Check 1 of the wire contract as the validator applies it: what is well-formed, and that a
/// malformed value is never copied into anything hubd emits.
@Suite struct IngressValidatorTests {
    let validator = IngressValidator(settings: HubSettings(herId: Examples.hub), schemas: Examples.schemas)
    let registry: AddressRegistry
    let innsyn: String
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        registry = try Examples.registry()
        innsyn = try Examples.message("innsyn_bruk.xml")
    }

    func refusal(_ submission: Submission) -> (Rejection, MessageProperties)? {
        guard case .reject(let rejection, let notice?, _) = validator.evaluate(submission, registry: registry, now: now) else {
            return nil
        }
        return (rejection, notice.properties)
    }

    @Test func aWellFormedSubmissionIsAccepted() {
        guard case .accept(let message) = validator.evaluate(Examples.submission(innsyn), registry: registry, now: now) else {
            Issue.record("not accepted")
            return
        }
        #expect(message.toHerId == Examples.register)
        #expect(message.properties.type == "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")
    }

    @Test("A HER-id header is 1 to 9 digits", arguments: [
        ("06898032297", false), ("20835622828", false), ("1234567890", false), ("", false), (" 10037004", false),
        ("10037004 ", false), ("-10037004", false), ("+10037004", false), ("0", false), ("1e7", false), ("١٠٠٣٧٠٠٤", false),
        ("10037004", true), ("010037004", true),
    ])
    func herIdHeaders(value: String, wellFormed: Bool) throws {
        let result = refusal(Examples.submission(innsyn, to: value))
        if wellFormed {
            #expect(result == nil || result?.0.data != "toHerId;")
        } else {
            let (rejection, notice) = try #require(result)
            #expect(rejection.data == "toHerId;")
            // The error comes from the hub itself: the value named no receiver.
            #expect(notice.headers[HeaderName.fromHerId] == String(Examples.hub))
            #expect(!notice.headers.values.contains(value) || value.isEmpty)
        }
    }

    /// Regression: `toHerId=06898032297` came back as `6898032297;` in `errorConditionData`.
    /// A well-formed value is echoed as the header gave it, leading zeros and all.
    @Test func valuesAreEchoedAsSent() throws {
        let (rejection, notice) = try #require(refusal(Examples.submission(innsyn, to: "010037006")))
        #expect(rejection.condition == .invalidFieldValue)
        #expect(rejection.data == "010037006;10037004;")
        #expect(notice.headers[HeaderName.fromHerId] == "010037006")
    }

    @Test("A message function is 1 to 64 of A-Z, 0-9 and _", arguments: [
        String(repeating: "A", count: 300), String(repeating: "A", count: 65), "dialog_innbygger", "DIALOG-X", "DIALOG X",
        "DIALOG\r\nX", "ÆØÅ",
    ])
    func malformedFunctionsAreNeverCopied(function: String) throws {
        for submission in [
            Examples.submission(innsyn, headers: [HeaderName.messageType: function]),
            Examples.submission(innsyn, type: function),
            Examples.submission(innsyn.replacingOccurrences(of: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", with: function)),
        ] {
            let (rejection, notice) = try #require(refusal(submission))
            #expect(rejection.data == "Label;")
            #expect(notice.type == nil)
            #expect(notice.headers[HeaderName.messageType] == nil)
            #expect(!notice.headers.values.contains { $0.contains(function) })
        }
        let longest = String(repeating: "A", count: 64)
        let declared = try #require(refusal(Examples.submission(innsyn, headers: [HeaderName.messageType: longest])))
        #expect(declared.0.description == "The message function does not match the payload")
        #expect(declared.1.type == longest)
    }

    @Test func aMalformedPayloadFunctionIsEchoedEmpty() throws {
        let body = innsyn.replacingOccurrences(of: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK\"", with: "\(String(repeating: "x", count: 100))\"")
        let (rejection, _) = try #require(refusal(Examples.submission(body, headers: [HeaderName.messageType: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK"])))
        #expect(rejection.data == "DIALOG_INNBYGGER_HREG_INNSYN_BRUK;;")
    }

    @Test("applicationTimeStamp parses as ISO 8601", arguments: ["yesterday", "2026-13-01T00:00:00Z", "2026-03-04", ""])
    func malformedTimestamps(value: String) throws {
        let (rejection, _) = try #require(refusal(Examples.submission(innsyn, headers: [HeaderName.applicationTimeStamp: value])))
        #expect(rejection.data == "applicationTimeStamp;")
    }

    /// Checks 1 and 2 in the contract's order: a sender that check 2 would refuse (10037009 is
    /// inactive) but that has an error queue hears of its missing field; one that cannot be told
    /// (10037010 has no queues) is a dead letter, as before.
    @Test func aFieldErrorIsAnsweredBeforeTheSenderIsJudged() throws {
        let inactive = Examples.submission(
            innsyn.replacingOccurrences(of: "<Id>10037002</Id>", with: "<Id>10037009</Id>"), from: "10037009",
            headers: [HeaderName.applicationTimeStamp: "yesterday"])
        let (rejection, notice) = try #require(refusal(inactive))
        #expect(rejection.data == "applicationTimeStamp;")
        #expect(notice.headers[HeaderName.toHerId] == "10037009")
        let unreachable = Examples.submission(innsyn, from: "10037010", headers: [HeaderName.applicationTimeStamp: "yesterday"])
        guard case .deadLetter = validator.evaluate(unreachable, registry: registry, now: now) else {
            Issue.record("a sender without an error queue is a dead letter")
            return
        }
        // With every field well-formed, the inactive sender is judged by check 2: a dead letter.
        let wellFormed = Examples.submission(innsyn.replacingOccurrences(of: "<Id>10037002</Id>", with: "<Id>10037009</Id>"), from: "10037009")
        guard case .deadLetter = validator.evaluate(wellFormed, registry: registry, now: now) else {
            Issue.record("an inactive sender is a dead letter")
            return
        }
    }

    @Test func aMessageIdWithAnIdentityNumberIsMalformedAndNotEchoed() throws {
        let (rejection, notice) = try #require(refusal(Examples.submission(innsyn, messageId: "20835622828")))
        #expect(rejection.data == "MessageId;")
        #expect(notice.headers[HeaderName.originalMessageId] == "")
        // UUIDs pass, even those with 11 digits in a row in their last group.
        #expect(refusal(Examples.submission(innsyn, messageId: "7d0db875-e531-4fdd-91c6-12345678901a")) == nil)
    }

    @Test func anIdentityNumberAsFromHerIdMakesADeadLetterThatNeverShowsIt() throws {
        guard case .deadLetter(let draft, nil) = validator.evaluate(
            Examples.submission(innsyn, from: "20835622828"), registry: registry, now: now)
        else {
            Issue.record("not a dead letter")
            return
        }
        #expect(draft.reason == "fromHerId is missing or not a HER-id")
        #expect(draft.fromHerId == "***********")
        // The submission itself is kept as it came, for a replay.
        #expect(draft.properties.headers[HeaderName.fromHerId] == "20835622828")
    }

    @Test func theKeyAcceptedBeforeIsKnownEvenWhenTheSubmissionIsRefused() throws {
        // The receiver is no longer valid: refused, but with the key a redelivery would carry.
        guard case .reject(_, _, let key) = validator.evaluate(
            Examples.submission(innsyn.replacingOccurrences(of: "<Id>10037004</Id>", with: "<Id>10037009</Id>"), to: "10037009"),
            registry: registry, now: now)
        else {
            Issue.record("not refused")
            return
        }
        #expect(key == DuplicateKey.accepted(senderHerId: Examples.portal, msgId: "35bf992d-c9e9-4616-a12e-7696a6cecc1b"))
    }

    /// A receiver's error message is routed unchanged, but for what may never be sent on.
    @Test func aReceiversErrorMessageLosesAMalformedFunctionAndNeedsAUsableOriginalId() throws {
        func errorMessage(_ extra: [String: String], type: String? = nil) -> Submission {
            var headers: MessageHeaders = [HeaderName.errorCondition: "transport:invalid-field-value", HeaderName.originalMessageId: "orig-1"]
            for (name, value) in extra { headers[name] = value }
            var submission = Examples.submission("", from: String(Examples.register), to: String(Examples.portal), type: type, headers: headers)
            submission.body = []
            return submission
        }
        guard case .accept(let routed) = validator.evaluate(
            errorMessage([HeaderName.messageType: "A\r\nB"], type: "x y"), registry: registry, now: now)
        else {
            Issue.record("not routed")
            return
        }
        #expect(routed.properties.type == nil)
        #expect(routed.properties.headers[HeaderName.messageType] == nil)
        #expect(routed.properties.headers[HeaderName.errorCondition] == "transport:invalid-field-value")

        guard case .deadLetter(let draft, _) = validator.evaluate(
            errorMessage([HeaderName.originalMessageId: "orig\u{7}1"]), registry: registry, now: now)
        else {
            Issue.record("a malformed originalMessageId was routed")
            return
        }
        #expect(draft.reason.contains("originalMessageId"))
    }

    /// The register dialogs' patient FNR must have valid check digits (dialogs contract §1); the
    /// refusal names the field, never the number. Other dialogs are not checked.
    @Test func aRegisterDialogWithWrongCheckDigitsIsRefusedWithoutTheNumber() throws {
        let wrong = innsyn.replacingOccurrences(of: "19826606056", with: "19826606057")
        let (rejection, notice) = try #require(refusal(Examples.submission(wrong)))
        #expect(rejection.condition == .invalidFieldValue)
        #expect(rejection.description == "Patient identity number has invalid check digits")
        #expect(rejection.data == "Patient/Ident;")
        #expect(!notice.headers.values.contains { $0.contains("19826606057") })

        // eKontakt to the portal (which takes every function) is carried with the same patient.
        let eKontakt = wrong.replacingOccurrences(of: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", with: "DIALOG_INNBYGGER_EKONTAKT")
            .replacingOccurrences(of: "<Id>10037004</Id>", with: "<Id>10037007</Id>")
        let submission = Examples.submission(eKontakt, to: "10037007")
        guard case .accept(let message) = validator.evaluate(submission, registry: registry, now: now) else {
            Issue.record("eKontakt was refused")
            return
        }
        #expect(message.conversation?.opening != nil)
    }

    /// What an accepted message may do to conversations is decided from the catalogue.
    @Test func conversationLinksComeFromTheCatalogue() throws {
        guard case .accept(let request) = validator.evaluate(Examples.submission(innsyn), registry: registry, now: now) else {
            Issue.record("not accepted")
            return
        }
        #expect(request.conversation == ConversationLink(
            refToParent: nil, refToConversation: nil,
            opening: .init(conversationId: "35bf992d-c9e9-4616-a12e-7696a6cecc1b", answerWithin: 30 * 24 * 3600)))

        var short = validator
        short.settings.answerDeadline = 90
        guard case .accept(let configured) = short.evaluate(Examples.submission(innsyn), registry: registry, now: now) else {
            Issue.record("not accepted")
            return
        }
        #expect(configured.conversation?.opening?.answerWithin == 90)

        let appRec = try Examples.message("apprec-ok.xml")
        guard case .accept(let receipt) = validator.evaluate(
            Examples.submission(appRec, from: String(Examples.register), to: String(Examples.portal)), registry: registry, now: now)
        else {
            Issue.record("AppRec not accepted")
            return
        }
        #expect(receipt.conversation == nil)

        let note = innsyn.replacingOccurrences(of: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", with: "DIALOG_HELSEFAGLIG")
            .replacingOccurrences(of: "<Id>10037004</Id>", with: "<Id>10037007</Id>")
        guard case .accept(let professional) = validator.evaluate(Examples.submission(note, to: "10037007"), registry: registry, now: now) else {
            Issue.record("DIALOG_HELSEFAGLIG not accepted")
            return
        }
        #expect(professional.conversation == nil)
    }
}
