/// XML namespaces of the messages the hub reads.
///
/// These are the target namespaces of the official KITH schemas bundled with this module;
/// a root element is only a dialog message when its namespace is one of them.
///
/// ```swift
/// if message.schemaNamespace == KnownNamespace.appRec11 { … }
/// ```
package enum KnownNamespace {
    /// Hodemelding (MsgHead) v1.2.
    package static let msgHead = "http://www.kith.no/xmlstds/msghead/2006-05-24"
    /// Applikasjonskvittering (AppRec) v1.1.
    package static let appRec11 = "http://www.kith.no/xmlstds/apprec/2012-02-15"
    /// Applikasjonskvittering (AppRec) v1.0.
    package static let appRec10 = "http://www.kith.no/xmlstds/apprec/2004-11-21"
    /// Dialogmelding v1.1, the payload of the register dialogs.
    package static let dialog11 = "http://www.kith.no/xmlstds/dialog/2013-01-23"
    /// Dialogmelding v1.0.
    package static let dialog10 = "http://www.kith.no/xmlstds/dialog/2006-10-11"
}
