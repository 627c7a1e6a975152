internal import CLibXML2

/// Reads a message body into a `ParsedDialog`: size limit, UTF-8 only, bounded work, hardened
/// XML parsing, and the routing fields of a MsgHead or AppRec.
///
/// The parser never touches the network, never loads or expands a DTD, and rejects any
/// document that has a DOCTYPE. Before libxml2 sees a body, one linear pass checks that it is
/// UTF-8 and that its shape is within `limits`, so that no body up to `maxBytes` can make
/// libxml2 work for long. It is a value that can be shared between threads; every call uses
/// its own libxml2 parser context (from `ParserContextPool`).
///
/// ```swift
/// let parser = DialogParser(maxBytes: 16 << 20)
/// let parsed = try parser.parse(body)          // throws DialogError
/// if let violation = parsed.validate(with: schemas) { reject(violation.description) }
/// let message = try parsed.requireMessage()
/// ```
package struct DialogParser: Sendable {
    /// The largest body accepted, in bytes.
    package let maxBytes: Int
    /// The bounds on a body's shape, checked before it is parsed.
    package let limits: ParseLimits

    /// Creates a parser for bodies of at most `maxBytes` bytes, within `limits`. libxml2
    /// reads at most `Int32.max` bytes, so a larger limit is lowered to that.
    package init(maxBytes: Int, limits: ParseLimits = .defaults) {
        self.maxBytes = min(max(maxBytes, 0), Int(Int32.max))
        self.limits = limits
    }

    /// Parses `body`, one XML document.
    ///
    /// - Throws: `.tooLarge` (checked before any parsing), `.doctypeForbidden`, `.notUTF8`
    ///   and `.tooComplex` (checked before libxml2 sees the body), `.notWellFormed`
    ///   (including namespace errors) and `.notADialogMessage` when the root is not a
    ///   MsgHead or an AppRec in a known namespace.
    /// - Returns: the parsed tree. Its `message` is nil when a routing field is missing;
    ///   `validate(with:)` then says what is wrong.
    package func parse(_ body: [UInt8]) throws(DialogError) -> ParsedDialog {
        guard body.count <= maxBytes else { throw .tooLarge(size: body.count, limit: maxBytes) }
        return try body.withUnsafeBufferPointer { bytes throws(DialogError) in
            try parse(bytes)
        }
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(DialogError) -> ParsedDialog {
        guard let start = bytes.baseAddress, !bytes.isEmpty else {
            // The text libxml2 gives for a document with no element.
            throw .notWellFormed(line: 1, reason: "Document is empty")
        }
        if DoctypeDetector.containsDoctype(bytes) { throw .doctypeForbidden }
        let forbiddenCharacter = try EncodingCheck.verify(bytes)
        let scan = try MarkupScanner.scan(bytes, upTo: forbiddenCharacter ?? bytes.count, limits: limits)
        // Where the scan lost the grammar, libxml2 gets the body only up to there: enough to
        // find and describe the error, and nothing the scan has not bounded.
        let length = scan.malformedAt.map { MarkupScanner.truncationEnd(bytes, malformedAt: $0) } ?? bytes.count

        _ = LibXML2.initialized
        guard let context = ParserContextPool.take() else {
            throw .notWellFormed(line: 0, reason: "libxml2 could not create a parser context")
        }
        let recorder = FirstErrorRecorder(quotesPayload: true)
        // A per-context structured handler: libxml2 calls it with the context, whose
        // `_private` leads back to the recorder.
        context.pointee._private = recorder.contextPointer
        context.pointee.sax.pointee.serror = FirstErrorRecorder.parserCallback
        // Encoding errors are raised without the parser context: they reach the thread's
        // structured handler, or else are printed to stderr with the offending payload bytes.
        // libxml2 keeps that handler per thread, and parsing never suspends, so it is set for
        // the duration of this call only.
        let previousHandler = __xmlStructuredError().pointee
        let previousContext = __xmlStructuredErrorContext().pointee
        xmlSetStructuredErrorFunc(recorder.contextPointer, FirstErrorRecorder.contextCallback)
        defer { xmlSetStructuredErrorFunc(previousContext, previousHandler) }

        let document = withExtendedLifetime(recorder) {
            start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                xmlCtxtReadMemory(context, characters, Int32(length), nil, nil, LibXML2.messageParseOptions)
            }
        }
        /// Frees what was parsed and gives the context back, for a body that is refused.
        func refuse(_ document: xmlDocPtr?, _ error: DialogError) -> DialogError {
            ParserContextPool.release(document, madeBy: context)
            return error
        }
        guard let document, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0 else {
            // libxml2 returns a tree for namespace errors (an undeclared prefix); the hub
            // reads names by namespace, so such a document cannot be read reliably.
            let error = recorder.first
            throw refuse(document, .notWellFormed(line: error?.line ?? 0, reason: error?.message ?? "the XML parser failed"))
        }
        // The prolog scan should have caught every DOCTYPE, and every encoding it cannot read
        // is refused as not UTF-8; this stays as a second line of defence.
        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            throw refuse(document, .doctypeForbidden)
        }
        if let malformed = scan.malformedAt {
            // libxml2 found no error where the scan found one: the scan is stricter than XML
            // there. The body is still refused, since the scan cannot bound what follows.
            throw refuse(document, .notWellFormed(
                line: ByteSearch.line(of: malformed, in: start), reason: "markup the parser cannot follow"))
        }
        return try ParsedDialog.reading(document, madeBy: context)
    }
}
