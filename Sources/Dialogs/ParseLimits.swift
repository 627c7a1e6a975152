/// Bounds on the shape of a message body, checked by a linear scan before libxml2 parses it,
/// so that parsing any body up to the size limit takes a small, roughly linear time.
///
/// libxml2 2.9 does work that grows faster than the input in several places, all reachable
/// from a body that is otherwise harmless (measured on Debian 12's 2.9.14, optimised build):
///
/// - It checks an element's attributes for duplicates pair by pair: 100,000 attributes on
///   one element (990 KB) take about 14 s.
/// - It finds the namespace of every element and of every prefixed attribute by walking the
///   declarations in scope, and when building the tree it walks the element's ancestors
///   too: 1,000 declarations in scope over 16 MiB of elements take 9 s, 4,000 take 42 s,
///   and 250 levels of nesting over prefixed names 2.3 s.
/// - It interns names and short strings in a hash table that stops growing at 4,608
///   buckets: 200,000 distinct element names take about 4 s, 1.5 million about 39 s.
///
/// Every default is far above what the sector's messages use: the public fixtures (MsgHead,
/// AppRec, Dialogmelding 1.0 and 1.1, signed messages, NAV's wrapped formats) reach at most
/// 12 attributes on an element, 9 namespace declarations in scope, 13 levels and 175
/// distinct names; a 16 MiB FHIR bundle, about the densest legitimate payload, has some
/// 800,000 nodes, and a 16 MiB base64 attachment a few dozen. At the defaults, the slowest
/// 16 MiB body found takes 0.85 s to parse, against 0.4 s for that FHIR bundle and hours
/// before the limits. The numbers behind each limit are on its property.
///
/// ```swift
/// let parser = DialogParser(maxBytes: 16 << 20)                       // the defaults
/// let strict = DialogParser(maxBytes: 1 << 20, limits: ParseLimits(maxDepth: 32))
/// ```
package struct ParseLimits: Sendable, Equatable {
    /// Most attributes on one element, namespace declarations (`xmlns`, `xmlns:p`) included.
    ///
    /// Default 64. The fixtures have at most 12 (a NAV wrapper's root declaring its
    /// namespaces); MsgHead roots have up to 5, XHTML and FHIR elements a handful. libxml2's
    /// duplicate check costs the square of this per element: a 16 MiB body of elements with
    /// 64 attributes each, up to the node limit, parses in 0.7 s.
    package var maxAttributesPerElement: Int

    /// Most namespace declarations in scope at once: those on an element and on all its
    /// open ancestors.
    ///
    /// Default 64. The fixtures have at most 9 (a root declaring several, a payload root
    /// its own). Every element name and prefixed attribute costs a walk over the
    /// declarations in scope, so this bounds that walk: 64 declarations over 63 levels and
    /// 2 million prefixed names, the worst at the defaults, take 0.85 s.
    package var maxNamespaceDeclarationsInScope: Int

    /// Deepest nesting of elements (the root element is at depth 1).
    ///
    /// Default 64; libxml2's own limit is 256, and a larger value here counts as 256. The
    /// deepest fixture is 13 deep; a FHIR bundle with nested extensions and an XHTML
    /// narrative stays under 40. When libxml2 builds the tree it may walk up to every
    /// ancestor to resolve a namespace prefix, so this bounds that walk.
    package var maxDepth: Int

    /// Most nodes: elements, attributes (namespace declarations included), comments,
    /// processing instructions and CDATA sections. Text nodes are not counted; there is at
    /// most one between two counted ones.
    ///
    /// Default 2,000,000. A 16 MiB FHIR bundle, about the densest legitimate payload, has
    /// roughly 500,000 elements and 300,000 attributes (about a million nodes without its
    /// indentation); a 16 MiB base64 attachment has a few dozen; the fixtures at most 317.
    /// libxml2 spends 130 to 270 bytes of memory per node, text nodes between them
    /// included, so this bounds the tree at roughly 0.5 GB whatever the body's size limit.
    package var maxNodes: Int

    /// Most distinct strings libxml2 interns in its name dictionary: element, attribute and
    /// processing-instruction names, namespace URIs, attribute values and texts of at most
    /// three bytes, and white-space-only texts shorter than 60 bytes.
    ///
    /// Default 10,000. The fixtures have at most 175 (a MsgHead with a Dialogmelding, the
    /// short codes of a few code lists); a FHIR bundle reuses a few hundred element names.
    /// libxml2's dictionary stops growing at 4,608 buckets, so every look-up walks a chain
    /// as long as the distinct strings divided by that; at 10,000 that costs nothing
    /// measurable.
    package var maxDistinctNames: Int

    /// The defaults described on each property.
    package static let defaults = ParseLimits()

    /// Creates limits; every one left out takes its default. Negative values count as 0.
    package init(
        maxAttributesPerElement: Int = 64, maxNamespaceDeclarationsInScope: Int = 64,
        maxDepth: Int = 64, maxNodes: Int = 2_000_000, maxDistinctNames: Int = 10_000
    ) {
        self.maxAttributesPerElement = max(maxAttributesPerElement, 0)
        self.maxNamespaceDeclarationsInScope = max(maxNamespaceDeclarationsInScope, 0)
        self.maxDepth = max(maxDepth, 0)
        self.maxNodes = max(maxNodes, 0)
        self.maxDistinctNames = max(maxDistinctNames, 0)
    }
}
