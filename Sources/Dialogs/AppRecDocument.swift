/// An AppRec that `AppRecBuilder` built: its bytes, and what the hub reads from them.
package struct AppRecDocument: Sendable, Equatable {
    /// The AppRec 1.1 document, UTF-8 with an XML declaration: the body to submit.
    package let body: [UInt8]
    /// The summary of `body`, equal to what `DialogParser` reads from it, for correlating the
    /// receipt with the message it answers without parsing it again.
    package let info: AppRecInfo

    /// `AppRec/Id`: the receipt's own id, what `MsgInfo/MsgId` is to a MsgHead (its duplicate
    /// key).
    package var id: String { info.id }

    /// Creates a built AppRec.
    package init(body: [UInt8], info: AppRecInfo) {
        self.body = body
        self.info = info
    }
}
