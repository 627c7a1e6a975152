internal import CLibXML2

/// libxml2 parser contexts kept for the next parse instead of freed.
///
/// A new context makes a new name dictionary, and that allocation made glibc merge its lists
/// of small free chunks, which the previous message's tree had just filled: about 9 % of
/// parsing and validating a 2 KiB message went to making and freeing contexts
/// (docs/performance.md).
///
/// A document shares its context's dictionary, and libxml2's dictionary is not safe to use
/// from two threads at once. So a context is lent for the life of the document it parses, and
/// `release` frees the document before it takes the context back: a context in the pool is
/// used by no document at all.
enum ParserContextPool {
    /// A pooled context: used by no thread while it is in the pool.
    private struct Idle: @unchecked Sendable {
        let context: xmlParserCtxtPtr
    }

    /// Parses running at once beyond eight make and free their own context.
    private static let pool = BoundedPool<Idle>(limit: 8)
    /// A dictionary grown past this many strings (bodies with many distinct names, or years
    /// of distinct short values), or past this many bytes (long names), is freed with its
    /// context rather than kept: a message's names take a few kilobytes.
    private static let largestKeptDictionary = (strings: 4096, bytes: 256 * 1024)

    /// A context from the pool, or a new one; nil only when libxml2 cannot allocate one.
    static func take() -> xmlParserCtxtPtr? {
        pool.take()?.context ?? xmlNewParserCtxt()
    }

    /// Frees `document`, the only one alive that `context` made (if any), then takes `context`
    /// back. The body's input (a copy libxml2 made of it) is freed now, not when the context
    /// is next used.
    static func release(_ document: xmlDocPtr?, madeBy context: xmlParserCtxtPtr) {
        if let document { xmlFreeDoc(document) }
        xmlCtxtReset(context)
        context.pointee._private = nil
        guard let dictionary = context.pointee.dict, xmlDictSize(dictionary) <= largestKeptDictionary.strings,
              xmlDictGetUsage(dictionary) <= largestKeptDictionary.bytes else {
            xmlFreeParserCtxt(context)
            return
        }
        if !pool.offer(Idle(context: context)) { xmlFreeParserCtxt(context) }
    }
}
