internal import CLibXML2

/// Keeps the first error libxml2 reports through a structured-error callback.
///
/// The callback is installed on one parser or validation context (and, for the length of
/// one parse, as the calling thread's handler), never process-wide, so concurrent parses do
/// not see each other's errors. Only the first error is kept because later ones are usually
/// consequences of it (a mismatched tag is followed by "premature end of data"), and
/// `ctxt->lastError` would keep the last.
final class FirstErrorRecorder {
    /// A recorded error, already redacted.
    struct Entry {
        var file: String?
        var line: Int
        var message: String
    }

    private(set) var first: Entry?

    /// Whether the message may quote values from the document checked (messages and their
    /// schema errors) rather than from trusted files (the schemas themselves).
    private let quotesPayload: Bool

    init(quotesPayload: Bool) {
        self.quotesPayload = quotesPayload
    }

    func record(_ error: xmlError) {
        // Warnings are not failures; with the parse options in use they are not well-formedness errors.
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        if let recorded = first {
            // Encoding errors come without a position; the parser's next error has one.
            if recorded.line <= 0, error.line > 0 { first?.line = Int(error.line) }
            return
        }
        let text = error.message.map { String(cString: $0) } ?? "error \(error.code)"
        guard quotesPayload else {
            first = Entry(file: error.file.map { String(cString: $0) }, line: Int(error.line), message: text)
            return
        }
        // libxml2 hands over the element the error is about (walked up from an attribute).
        let node = error.node?.assumingMemoryBound(to: xmlNode.self)
        let values = node.flatMap { $0.pointee.type == XML_ELEMENT_NODE ? ElementNode(pointer: $0).rawValues : nil } ?? []
        var line = Int(error.line)
        if line <= 0, let node {
            line = Int(xmlGetLineNo(node))
        }
        first = Entry(file: nil, line: max(line, 0), message: DiagnosticRedactor.redact(text, values: values))
    }

    /// The context pointer to register with `xmlSchemaSet…StructuredErrors`; valid while
    /// `self` is alive.
    var contextPointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// For schema parser and validation contexts, which pass the registered context pointer.
    static let contextCallback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        Unmanaged<FirstErrorRecorder>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
    }

    /// For XML parser contexts: libxml2 passes the parser context itself, whose `_private`
    /// holds the recorder.
    static let parserCallback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error,
              let recorder = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return }
        Unmanaged<FirstErrorRecorder>.fromOpaque(recorder).takeUnretainedValue().record(error.pointee)
    }
}
