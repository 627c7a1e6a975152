import Foundation
@testable import RESTBridge
import Testing

/// `POST /messages` bodies are read by hubd's JSON reader; a bad one gets the problem
/// `JSONDecoder` (what every other route uses) gives for it.
@Suite struct SendMessageRequestTests {
    /// The request as `JSONDecoder` would read it.
    private struct Decoded: Decodable {
        var senderHerId: Int
        var receiverHerIds: [Int]
        var businessDocument: String
        var contentType: String
        var contentTransferEncoding: String
        var messageTypeIdentificator: String?
        var applicationName: String?
        var applicationVersion: String?
    }

    private func decoderProblem(_ json: String) -> String? {
        do {
            _ = try JSONDecoder().decode(Decoded.self, from: Data(json.utf8))
            return nil
        } catch {
            return BodyReader.detail(for: error, in: Array(json.utf8))
        }
    }

    private func readerProblem(_ json: String) -> String? {
        do {
            _ = try SendMessageRequest(json: Array(json.utf8))
            return nil
        } catch {
            #expect(error.status == .badRequest)
            return error.detail
        }
    }

    @Test func aValidBodyIsRead() throws {
        let request = try SendMessageRequest(json: Array("""
            {"senderHerId": 10037002, "receiverHerIds": [10037004], "businessDocument": "PGEvPg==",
             "contentType": "application/xml", "contentTransferEncoding": "base64",
             "messageTypeIdentificator": null, "applicationName": "app", "unknown": {"x": [1]}}
            """.utf8))
        #expect(request.senderHerId == 10037002)
        #expect(request.receiverHerIds == [10037004])
        #expect(request.businessDocument == "PGEvPg==")
        #expect(request.messageTypeIdentificator == nil)
        #expect(request.applicationName == "app")
        #expect(request.applicationVersion == nil)
    }

    @Test(arguments: [
        "[]", "null",
        #"{"receiverHerIds": [1], "businessDocument": "", "contentType": "", "contentTransferEncoding": ""}"#,
        #"{"senderHerId": "1", "receiverHerIds": [1], "businessDocument": "", "contentType": "", "contentTransferEncoding": ""}"#,
        #"{"senderHerId": null, "receiverHerIds": [1], "businessDocument": "", "contentType": "", "contentTransferEncoding": ""}"#,
        #"{"senderHerId": 1, "receiverHerIds": 1, "businessDocument": "", "contentType": "", "contentTransferEncoding": ""}"#,
        #"{"senderHerId": 1, "receiverHerIds": [1, "2"], "businessDocument": "", "contentType": "", "contentTransferEncoding": ""}"#,
        #"{"senderHerId": 1, "receiverHerIds": [1], "businessDocument": 5, "contentType": "", "contentTransferEncoding": ""}"#,
        #"{"senderHerId": 1, "receiverHerIds": [1], "businessDocument": "", "contentTransferEncoding": ""}"#,
        #"{"senderHerId": 1, "receiverHerIds": [1], "businessDocument": "", "contentType": "", "contentTransferEncoding": "", "applicationName": 7}"#,
    ])
    func aBadBodyGetsTheProblemJSONDecoderGives(_ json: String) {
        let expected = decoderProblem(json)
        #expect(expected != nil)
        #expect(readerProblem(json) == expected)
    }

    /// A syntax error is named by both readers (every other route reads its body with
    /// `JSONDecoder`). For a fraction `JSONDecoder` names no member, so the other routes say
    /// what kind of value is wrong; the reader names the member.
    @Test func aSyntaxErrorOrAFractionIsNamed() {
        for json in ["", "{", #"{"senderHerId": 1"#, "senderHerId=1"] {
            #expect(readerProblem(json) == "The body is not valid JSON", "\(json)")
            #expect(decoderProblem(json) == "The body is not valid JSON", "\(json)")
        }
        #expect(readerProblem(#"{"a": 1, "a": 2}"#) == "The body is not valid JSON")
        let fraction = #"{"senderHerId": 1.5, "receiverHerIds": [1], "businessDocument": "", "contentType": "", "contentTransferEncoding": ""}"#
        #expect(decoderProblem(fraction) == "The body is not valid: a number in it is not one its member takes (a fraction, or out of range)")
        #expect(readerProblem(fraction) == "The body is not valid: senderHerId is not valid")
    }
}
