import Foundation

/// Register dialogs for conversation tests: the example request from the portal to the register
/// with a MsgId of the test's own, and the register's answer to it.
enum TestDialogs {
    /// The example's patient (synthetic, valid check digits) and a number one digit off it.
    static let patient = "19826606056"
    static let wrongCheckDigits = "19826606057"

    static let template: String = {
        (try? String(decoding: TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)) ?? ""
    }()
    static let templateMsgId = "35bf992d-c9e9-4616-a12e-7696a6cecc1b"

    /// The innsyn request with MsgId `msgId`.
    static func request(msgId: String) -> [UInt8] {
        Array(template.replacingOccurrences(of: templateMsgId, with: msgId).utf8)
    }

    /// The register's answer to the request `requestMsgId`: the parties swapped (register to
    /// portal), MsgId `msgId`, `ConversationRef` naming the request (as its parent and its
    /// conversation). The same function as the request, as the register dialogs answer.
    static func answer(to requestMsgId: String, msgId: String) -> [UInt8] {
        var text = template.replacingOccurrences(of: templateMsgId, with: msgId)
        for (from, to) in [("10037001", "L1"), ("10037002", "L2"), ("10037003", "10037001"), ("10037004", "10037002"),
                           ("L1", "10037003"), ("L2", "10037004")] {
            text = text.replacingOccurrences(of: "<Id>\(from)</Id>", with: "<Id>\(to)</Id>")
        }
        text = text.replacingOccurrences(of: "<Ack V=\"J\" DN=\"Ja\"/>", with: """
            <Ack V="J" DN="Ja"/><ConversationRef><RefToParent>\(requestMsgId)</RefToParent>\
            <RefToConversation>\(requestMsgId)</RefToConversation></ConversationRef>
            """)
        return Array(text.utf8)
    }

    /// The register's AppRec (status OK) about the request `requestMsgId`.
    static func appRecOK(about requestMsgId: String) throws -> [UInt8] {
        let text = String(decoding: try TestEnvironment.example("apprec-ok.xml"), as: UTF8.self)
            .replacingOccurrences(of: "78e51061-7311-48a3-82ce-6f447ed4d57b", with: requestMsgId)
            .replacingOccurrences(of: "cd447e35-b8b6-48fe-842e-3d437204e52d", with: UUID().uuidString.lowercased())
        return Array(text.utf8)
    }
}
