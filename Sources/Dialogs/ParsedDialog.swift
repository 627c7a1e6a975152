internal import CLibXML2

/// A parsed message: its routing fields, and the tree, kept so that schema validation does
/// not parse the body a second time.
///
/// Not thread-safe: use one `ParsedDialog` on one thread (or task) at a time. It owns the
/// libxml2 document and frees it when released.
///
/// ```swift
/// let parsed = try DialogParser(maxBytes: limit).parse(body)
/// if let violation = parsed.validate(with: schemas) { return .reject(violation.description) }
/// let message = try parsed.requireMessage()
/// ```
package final class ParsedDialog {
    /// The routing fields; nil when the document lacks one (`requireMessage()` names it).
    /// Such a document is schema-invalid except when `MsgInfo/Type/@V`, `Status/@V` or
    /// `OriginalMsgId/Id` is left out, so validate first for the most precise report.
    package let message: DialogMessage?
    /// The message function (`MsgInfo/Type/@V`, `APPREC` for an AppRec), read on its own so it
    /// is known even when another routing field is missing.
    package let messageFunction: String?

    private let document: xmlDocPtr
    /// The parser context that made `document`, whose name dictionary the document uses: it
    /// goes back to `ParserContextPool` only once the document is freed.
    private let context: xmlParserCtxtPtr
    private let root: DialogRoot
    private let reading: Result<DialogMessage, DialogError>

    private init(document: xmlDocPtr, context: xmlParserCtxtPtr, root: DialogRoot, reading: Result<DialogMessage, DialogError>) {
        self.document = document
        self.context = context
        self.root = root
        self.reading = reading
        self.message = try? reading.get()
        switch root {
        case .appRec:
            messageFunction = "APPREC"
        case .msgHead:
            messageFunction = message?.messageFunction
                ?? xmlDocGetRootElement(document).flatMap { ElementNode(pointer: $0).child("MsgInfo")?.child("Type")?.attribute("V") }
        }
    }

    deinit {
        ParserContextPool.release(document, madeBy: context)
    }

    /// Takes ownership of `document` and of the pooled `context` that parsed it: classifies
    /// its root and reads the routing fields. Frees the document, gives the context back and
    /// throws when the root is not a dialog message.
    static func reading(_ document: xmlDocPtr, madeBy context: xmlParserCtxtPtr) throws(DialogError) -> ParsedDialog {
        do throws(DialogError) {
            guard let element = xmlDocGetRootElement(document) else {
                throw .notWellFormed(line: 0, reason: "Document has no root element")
            }
            let rootElement = ElementNode(pointer: element)
            let root = try DialogRoot(rootElement)
            return ParsedDialog(document: document, context: context, root: root, reading: root.read(rootElement))
        } catch {
            ParserContextPool.release(document, madeBy: context)
            throw error
        }
    }

    /// The routing fields, or `.missingElement` naming the first one that is missing.
    package func requireMessage() throws(DialogError) -> DialogMessage {
        try reading.get()
    }

    /// Runs `read` on the MsgHead's `MsgInfo` while the tree is alive, for readers in this
    /// module that need more of it than the routing fields (`AppRecBuilder`); nil for an AppRec
    /// or a MsgHead without `MsgInfo`.
    func withMsgInfo<T>(_ read: (ElementNode) -> T) -> T? {
        guard case .msgHead = root, let element = xmlDocGetRootElement(document),
              let info = ElementNode(pointer: element).child("MsgInfo") else { return nil }
        return read(info)
    }

    /// Validates the document against `schemas`.
    ///
    /// Payload elements in `RefDoc/Content` whose namespace `schemas` has no schema for
    /// (FHIR, e-prescription, …) are removed from the tree first and so are carried
    /// unvalidated; everything else, including a Dialogmelding payload, must be valid.
    /// Safe to call more than once; `message` is unaffected.
    ///
    /// - Returns: nil when the message is valid, else its first violation, free of payload
    ///   values.
    package func validate(with schemas: DialogSchemas) -> SchemaViolation? {
        if case .msgHead = root, let element = xmlDocGetRootElement(document) {
            ForeignContentPruner.prune(msgHead: ElementNode(pointer: element), knownNamespaces: schemas.knownNamespaces)
        }
        return schemas.validate(document)
    }
}
