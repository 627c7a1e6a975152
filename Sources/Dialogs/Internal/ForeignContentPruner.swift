internal import CLibXML2

/// Removes payloads the hub has no schema for from a MsgHead before it is validated.
///
/// `RefDoc/Content` is declared `<any processContents="strict" minOccurs="0"
/// maxOccurs="unbounded"/>`, so libxml2 would reject a FHIR resource or an e-prescription
/// there ("No matching global element declaration available"). The wire contract says such
/// payloads are carried unvalidated, so their elements are unlinked and freed first: the
/// rest of the message is still validated, and a `Content` left empty is still valid
/// because the wildcard may occur zero times. Elements without a namespace count as
/// foreign too. The caller keeps the original bytes; only the parsed tree changes.
enum ForeignContentPruner {
    static func prune(msgHead root: ElementNode, knownNamespaces: Set<String>) {
        for child in root.childElements {
            if child.isNamed("Document", in: root.namespacePointer) {
                prune(document: child, knownNamespaces: knownNamespaces)
            } else if child.isNamed("PatientReport", in: root.namespacePointer) {
                for document in child.children("Document") {
                    prune(document: document, knownNamespaces: knownNamespaces)
                }
            }
        }
    }

    private static func prune(document: ElementNode, knownNamespaces: Set<String>) {
        guard let content = document.child("RefDoc")?.child("Content") else { return }
        // Collected first: unlinking while walking the sibling list would lose the cursor.
        let foreign = content.childElements.filter { element in
            element.namespaceURI.map { !knownNamespaces.contains($0) } ?? true
        }
        for element in foreign {
            xmlUnlinkNode(element.pointer)
            xmlFreeNode(element.pointer)
        }
    }
}
