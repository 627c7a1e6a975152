internal import CLibXML2
import Foundation

/// Feeds one input to the Dialogs module the way ingress does, and checks what must hold for
/// any input. A broken check stops the process, which libFuzzer reports as a crash.
///
/// - Parsing (with the default limits and with limits small enough to be reached),
///   `requireMessage()`, `schemaNamespace` and `validate(with:)` (twice, for the same answer)
///   never crash; everything they return for the sender is free of 11-digit runs and
///   bounded in length.
/// - The pre-scan is never stricter than XML: when it stops at malformed markup, libxml2
///   must find the whole body not well-formed too.
/// - The pre-scan's counts bound libxml2: even parsing in recovery mode, which goes on
///   building the tree after errors, libxml2 builds no more nodes, no deeper nesting and no
///   more attributes on an element than the scan counted.
func fuzzOne(_ body: [UInt8]) {
    DialogsFuzzTarget.run(body)
}

enum DialogsFuzzTarget {
    /// The bundled schemas: `HUBD_SCHEMAS`, else `Sources/Dialogs/Schemas` of the checkout
    /// this was built from.
    static let schemas: DialogSchemas = {
        let directory = ProcessInfo.processInfo.environment["HUBD_SCHEMAS"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/Dialogs/Schemas")
        do {
            return try DialogSchemas(directory: directory)
        } catch {
            fatalError("fuzz: cannot load the schemas: \(error)")
        }
    }()

    static let parser = DialogParser(maxBytes: 16 << 20)

    /// Limits small enough for fuzzed inputs to reach, so the refusals are exercised too.
    static let tightParser = DialogParser(maxBytes: 16 << 20, limits: ParseLimits(
        maxAttributesPerElement: 4, maxNamespaceDeclarationsInScope: 3, maxDepth: 6, maxNodes: 60, maxDistinctNames: 30))

    static func run(_ body: [UInt8]) {
        do throws(DialogError) {
            let parsed = try parser.parse(body)
            if let namespace = parsed.message?.schemaNamespace { checkSafe(namespace, "schemaNamespace") }
            do throws(DialogError) {
                let message = try parsed.requireMessage()
                checkSafe(message.id, nil)
            } catch {
                checkSafe(error.description, "requireMessage")
            }
            let first = parsed.validate(with: schemas)
            let second = parsed.validate(with: schemas)
            if let first { checkSafe(first.description, "validate") }
            guard first == second else { fatalError("fuzz: validating twice gave \(String(describing: first)), then \(String(describing: second))") }
        } catch {
            checkSafe(error.description, "parse")
        }
        do throws(DialogError) {
            _ = try tightParser.parse(body)
        } catch {
            checkSafe(error.description, "parse with tight limits")
        }
        crossCheck(body)
    }

    /// Text for the sender or the log: no run of exactly 11 digits, and bounded. `what` nil
    /// for payload values the hub routes on, which are not redacted, only bounded by the body.
    private static func checkSafe(_ text: String, _ what: String?) {
        guard let what else { return }
        var run = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                run += 1
            } else {
                if run == 11 { fatalError("fuzz: \(what) shows 11 digits: \(text)") }
                run = 0
            }
        }
        if run == 11 { fatalError("fuzz: \(what) shows 11 digits: \(text)") }
        guard text.count <= 1_000 else { fatalError("fuzz: \(what) is \(text.count) characters long") }
    }

    private static func crossCheck(_ body: [UInt8]) {
        body.withUnsafeBufferPointer { bytes in
            guard !bytes.isEmpty, !DoctypeDetector.containsDoctype(bytes) else { return }
            let report: MarkupScanner.Report
            do throws(DialogError) {
                let forbidden = try EncodingCheck.verify(bytes)
                report = try MarkupScanner.scan(bytes, upTo: forbidden ?? bytes.count, limits: .defaults)
            } catch {
                return
            }
            if let malformed = report.malformedAt, Tree.isWellFormed(bytes) {
                fatalError("fuzz: the scan stopped at offset \(malformed) of a well-formed body")
            }
            // Past the scan's stop libxml2 reads up to 256 bytes the scan did not count: a few
            // dozen attributes at most.
            let length = report.malformedAt.map { MarkupScanner.truncationEnd(bytes, malformedAt: $0) } ?? bytes.count
            let slack = report.malformedAt == nil ? 0 : 64
            guard let tree = Tree.recovered(UnsafeBufferPointer(rebasing: bytes[..<length])) else { return }
            let counted = report.statistics
            guard tree.nodes <= counted.nodes + slack, tree.depth <= counted.depth,
                  tree.attributesPerElement <= counted.attributesPerElement + slack else {
                fatalError("fuzz: libxml2 built \(tree) from \(length) bytes, the scan counted \(counted) "
                    + "(malformed at \(report.malformedAt.map(String.init) ?? "none"))")
            }
        }
    }
}

/// What libxml2 makes of a body on its own.
struct Tree: CustomStringConvertible {
    var nodes = 0
    var depth = 0
    var attributesPerElement = 0

    var description: String { "nodes \(nodes), depth \(depth), attributes per element \(attributesPerElement)" }

    /// Whether libxml2, with the options the parser uses, finds the whole body well-formed.
    static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        parse(bytes, options: LibXML2.messageParseOptions) { context, document in
            document != nil && context.pointee.wellFormed != 0 && context.pointee.nsWellFormed != 0
        }
    }

    /// The tree libxml2 builds when it goes on after errors; nil when it builds none.
    static func recovered(_ bytes: UnsafeBufferPointer<UInt8>) -> Tree? {
        parse(bytes, options: LibXML2.messageParseOptions | Int32(bitPattern: XML_PARSE_RECOVER.rawValue)) { _, document in
            guard let document, let root = xmlDocGetRootElement(document) else { return nil }
            var tree = Tree()
            tree.count(root, depth: 1)
            // Comments and processing instructions outside the root element.
            var sibling = document.pointee.children
            while let node = sibling {
                if node != root, node.pointee.type == XML_COMMENT_NODE || node.pointee.type == XML_PI_NODE { tree.nodes += 1 }
                sibling = node.pointee.next
            }
            return tree
        }
    }

    private static func parse<T>(
        _ bytes: UnsafeBufferPointer<UInt8>, options: Int32, _ body: (xmlParserCtxtPtr, xmlDocPtr?) -> T
    ) -> T {
        _ = LibXML2.initialized
        guard let context = xmlNewParserCtxt(), let start = bytes.baseAddress else { fatalError("fuzz: no parser context") }
        defer { xmlFreeParserCtxt(context) }
        let document = start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
            xmlCtxtReadMemory(context, characters, Int32(bytes.count), nil, nil, options)
        }
        defer { if let document { xmlFreeDoc(document) } }
        return body(context, document)
    }

    /// Depth first without recursion: a recovered tree can be as deep as libxml2 allows.
    private mutating func count(_ root: xmlNodePtr, depth rootDepth: Int) {
        var stack: [(xmlNodePtr, Int)] = [(root, rootDepth)]
        while let (node, depth) = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                nodes += 1
                self.depth = max(self.depth, depth)
                var attributes = 0
                var property = node.pointee.properties
                while let current = property {
                    attributes += 1
                    property = current.pointee.next
                }
                var declaration = node.pointee.nsDef
                while let current = declaration {
                    attributes += 1
                    declaration = current.pointee.next
                }
                nodes += attributes
                attributesPerElement = max(attributesPerElement, attributes)
                var child = node.pointee.children
                while let current = child {
                    stack.append((current, depth + 1))
                    child = current.pointee.next
                }
            case XML_COMMENT_NODE, XML_PI_NODE, XML_CDATA_SECTION_NODE:
                nodes += 1
            default:
                break
            }
        }
    }
}
