/// The kinds of root element the hub accepts, and how each is read.
enum DialogRoot {
    case msgHead
    case appRec(namespace: String)

    /// Classifies a document's root element by namespace URI and local name (never by prefix).
    init(_ root: ElementNode) throws(DialogError) {
        let namespace = root.namespaceURI
        switch namespace {
        case KnownNamespace.msgHead? where ElementNode.equals(root.pointer.pointee.name, "MsgHead"):
            self = .msgHead
        case let appRec? where (appRec == KnownNamespace.appRec11 || appRec == KnownNamespace.appRec10)
            && ElementNode.equals(root.pointer.pointee.name, "AppRec"):
            self = .appRec(namespace: appRec)
        default:
            throw .notADialogMessage(
                rootNamespace: namespace.map(DiagnosticRedactor.name),
                rootName: DiagnosticRedactor.name(root.localName))
        }
    }

    /// Reads the routing fields, or names the first one that is missing.
    func read(_ root: ElementNode) -> Result<DialogMessage, DialogError> {
        do throws(DialogError) {
            switch self {
            case .msgHead:
                return .success(.msgHead(try MsgHeadInfo(msgHead: root)))
            case .appRec(let namespace):
                return .success(.appRec(try AppRecInfo(appRec: root, namespace: namespace)))
            }
        } catch {
            return .failure(error)
        }
    }
}
