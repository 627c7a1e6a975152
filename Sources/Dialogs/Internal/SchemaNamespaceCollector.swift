internal import CLibXML2
import Foundation

/// Finds the target namespaces of a schema and of everything it imports or includes.
///
/// libxml2 keeps this list only in its private schema structure, which its public headers do
/// not expose, so the schema files are read once more here, at load time, following the same
/// `schemaLocation`s libxml2 followed.
enum SchemaNamespaceCollector {
    private static let xmlSchemaNamespace = "http://www.w3.org/2001/XMLSchema"

    static func targetNamespaces(from entryPoint: URL) -> Set<String> {
        var namespaces: Set<String> = []
        var visited: Set<String> = []
        var pending = [entryPoint.standardizedFileURL]
        while let file = pending.popLast() {
            guard visited.insert(file.path).inserted else { continue }
            let read: xmlDocPtr? = file.withUnsafeFileSystemRepresentation { path in
                path.flatMap { xmlReadFile($0, nil, LibXML2.hardenedParseOptions) }
            }
            guard let document = read else { continue }
            defer { xmlFreeDoc(document) }
            guard let element = xmlDocGetRootElement(document) else { continue }
            let schema = ElementNode(pointer: element)
            if let namespace = schema.attribute("targetNamespace") { namespaces.insert(namespace) }
            for reference in schema.childElements where reference.namespaceURI == xmlSchemaNamespace {
                let kind = reference.localName
                guard kind == "import" || kind == "include" || kind == "redefine",
                      let location = reference.attribute("schemaLocation") else { continue }
                pending.append(URL(fileURLWithPath: location, relativeTo: file.deletingLastPathComponent()).standardizedFileURL)
            }
        }
        return namespaces
    }
}
