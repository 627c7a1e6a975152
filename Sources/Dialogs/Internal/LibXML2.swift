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
}
