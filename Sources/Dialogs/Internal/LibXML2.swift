internal import CLibXML2

/// Process-wide libxml2 set-up and the parser options every document is read with.
enum LibXML2 {
    /// Evaluated once (Swift initialises static lets exactly once, thread-safely): libxml2's
    /// own lazy initialisation is not safe when the first two parses race.
    static let initialized: Void = xmlInitParser()

    /// No network, no error printing, and none of the options that would load or expand a
    /// DTD (`NOENT`, `DTDLOAD`, `DTDATTR`, `DTDVALID`) or lift the size limits (`HUGE`).
    static let hardenedParseOptions = Int32(bitPattern:
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)

    /// For message bodies: also ignore the encoding an XML declaration names. `EncodingCheck`
    /// has refused every body that is not UTF-8 or that declares another encoding; this makes
    /// sure libxml2 never converts one all the same. (The schemas are ISO-8859-1 and are read
    /// with `hardenedParseOptions`.)
    ///
    /// `COMPACT` keeps short text inside its node, and `NOBLANKS` leaves out the indentation
    /// between elements (text of white space only, next to no other text): fewer nodes to
    /// allocate, validate and free. hubd only reads and validates the tree, never writes it
    /// out (a message is stored and sent as the bytes it came in), and neither changes what
    /// is valid: white space between elements is ignored in element-only content and allowed
    /// in mixed content, and white space that is an element's whole text is kept.
    static let messageParseOptions = hardenedParseOptions | Int32(bitPattern:
        XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue)
}
