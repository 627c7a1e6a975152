import Foundation

/// Builds the application receipt (AppRec 1.1) with which a message's receiver answers a
/// MsgHead the hub holds: the document behind the REST API's `POST /messages/{id}/apprec`.
///
/// The AppRec's `Sender` is the original's `Receiver` and its `Receiver` the original's
/// `Sender`, each with its organisation, nested organisation (as `Dept`) and healthcare
/// professional (as `HCPerson`), names and identifiers as the original wrote them; the HER-id
/// of each unit is its `Id`, other identifiers (organisation numbers, HPR numbers) its
/// `AdditionalId`s. `OriginalMsgId` repeats the original's message function, `GenDate` (as
/// `IssueDate`) and `MsgId`. Every value is escaped, and the result is valid against the
/// bundled AppRec 1.1 schema whenever the original is valid against MsgHead 1.2.
///
/// ```swift
/// let original = try DialogParser(maxBytes: limit).parse(storedBody)
/// let appRec = try AppRecBuilder.build(
///     answering: original, answeringHerId: 10037004, status: .rejected,
///     errors: [AppRecErrorEntry(code: "E35", description: "Pasienten finnes ikke i mottakersystemet")],
///     id: UUID(), genDate: .now)
/// submit(appRec.body)     // appRec.id is its duplicate key; appRec.info correlates it
/// ```
package enum AppRecBuilder {
    /// `MIGversion` of the AppRecs built.
    private static let migVersion = "v1.1 2012-02-15"

    /// Builds the AppRec with which the party `answeringHerId` answers `original`.
    ///
    /// - Parameters:
    ///   - original: the parsed message being answered, a MsgHead.
    ///   - answeringHerId: the HER-id the AppRec is sent from; it must be the original's
    ///     receiver, by its effective HER-id (`PartyIdent.effective`), as ingress checks it.
    ///   - status: `Rejected` needs at least one error, `Ok` allows none.
    ///   - errors: written in order as `Error`; values are trimmed of surrounding white space.
    ///   - id: the AppRec's `Id`, written as a lower-case UUID string.
    ///   - genDate: the AppRec's `GenDate`, written in UTC to the second.
    /// - Throws: `AppRecBuildError` naming the first reason the AppRec cannot be built.
    package static func build(
        answering original: ParsedDialog, answeringHerId: Int, status: AppRecOutcome,
        errors: [AppRecErrorEntry] = [], id: UUID, genDate: Date
    ) throws(AppRecBuildError) -> AppRecDocument {
        switch status {
        case .ok where !errors.isEmpty: throw .okWithErrors
        case .rejected where errors.isEmpty: throw .rejectedWithoutErrors
        default: break
        }
        var entries: [AppRecErrorEntry] = []
        for (index, error) in errors.enumerated() {
            entries.append(try normalized(error, index: index))
        }
        let message: DialogMessage
        do throws(DialogError) {
            message = try original.requireMessage()
        } catch {
            throw .originalUnreadable(error)
        }
        guard case .msgHead(let info) = message else { throw .originalIsAppRec }
        guard info.receiver.effective == answeringHerId else {
            throw .notOriginalReceiver(answeringHerId: answeringHerId, receiverHerId: info.receiver.effective)
        }
        let written = original.withMsgInfo { msgInfo in
            (typeName: msgInfo.child("Type")?.attribute("DN"),
             sender: MsgHeadParty(msgHeadParty: msgInfo.child("Sender")),
             receiver: MsgHeadParty(msgHeadParty: msgInfo.child("Receiver")))
        }
        // Cannot fail once requireMessage has read MsgInfo; a refusal rather than a force-unwrap.
        guard let written else { throw .originalUnreadable(.missingElement("MsgInfo")) }

        let appRecId = id.uuidString.lowercased()
        var xml = XMLWriter()
        xml.open("AppRec", [("xmlns", KnownNamespace.appRec11)])
        xml.empty("MsgType", [("V", "APPREC"), ("DN", "Applikasjonskvittering")])
        xml.element("MIGversion", migVersion)
        xml.element("GenDate", genDate.formatted(.iso8601))
        xml.element("Id", appRecId)
        write(written.receiver, as: "Sender", into: &xml)
        write(written.sender, as: "Receiver", into: &xml)
        xml.empty("Status", [("V", status.status.code), ("DN", status.displayName)])
        for entry in entries {
            xml.empty("Error", [("V", entry.code), ("S", entry.oid), ("DN", entry.description), ("OT", entry.details)])
        }
        xml.open("OriginalMsgId")
        xml.empty("MsgType", [("V", info.messageFunction), ("DN", written.typeName)])
        xml.element("IssueDate", info.genDate)
        xml.element("Id", info.msgId)
        xml.close("OriginalMsgId")
        xml.close("AppRec")

        return AppRecDocument(body: Array(xml.text.utf8), info: AppRecInfo(
            namespace: KnownNamespace.appRec11, id: appRecId, status: status.status,
            errors: entries.map { AppRecError(code: $0.code, description: $0.description) },
            originalMsgId: info.msgId, originalMsgType: info.messageFunction,
            sender: info.receiver, receiver: info.sender))
    }

    /// `entry` as written: trimmed as the parser trims what it reads (so that the built
    /// `AppRecInfo` equals the parsed one), blanks as absent, the default oid filled in.
    private static func normalized(_ entry: AppRecErrorEntry, index: Int) throws(AppRecBuildError) -> AppRecErrorEntry {
        let fields: [(String, String?)] = [("errorCode", entry.code), ("details", entry.details), ("description", entry.description), ("oid", entry.oid)]
        for case (let field, let value?) in fields where !XMLWriter.isCarriable(value) {
            throw .invalidErrorEntry(index: index, problem: .characterNotAllowed(field: field))
        }
        guard let code = trimmed(entry.code) else { throw .invalidErrorEntry(index: index, problem: .missingCode) }
        let oid = trimmed(entry.oid) ?? AppRecErrorEntry.defaultOid
        guard isOID(oid) else { throw .invalidErrorEntry(index: index, problem: .oidNotAnOID) }
        return AppRecErrorEntry(code: code, details: trimmed(entry.details), description: trimmed(entry.description), oid: oid)
    }

    /// `value` without surrounding XML white space; nil when nothing is left.
    private static func trimmed(_ value: String?) -> String? {
        let kept = value?.trimmingCharacters(in: [" ", "\t", "\n", "\r"])
        return kept?.isEmpty == false ? kept : nil
    }

    /// `kith:oid`: ASCII digits in groups separated by single dots.
    private static func isOID(_ value: String) -> Bool {
        value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { group in
            !group.isEmpty && group.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }

    /// A MsgHead party as an AppRec `Sender` or `Receiver`: `HCP/Inst` with `Dept` and
    /// `HCPerson`, in the order AppRec 1.1 requires.
    private static func write(_ party: MsgHeadParty, as role: String, into xml: inout XMLWriter) {
        xml.open(role)
        xml.open("HCP")
        xml.open("Inst")
        writeOwnIdentity(of: party.organisation, into: &xml)
        if let department = party.department { writeUnit("Dept", department, into: &xml) }
        writeAdditionalIds(of: party.organisation, into: &xml)
        if let professional = party.professional { writeUnit("HCPerson", professional, into: &xml) }
        xml.close("Inst")
        xml.close("HCP")
        xml.close(role)
    }

    /// A unit inside `Inst` (`Dept`, `HCPerson`): its identity, then its other identifiers.
    private static func writeUnit(_ element: String, _ unit: MsgHeadParty.Unit, into xml: inout XMLWriter) {
        xml.open(element)
        writeOwnIdentity(of: unit, into: &xml)
        writeAdditionalIds(of: unit, into: &xml)
        xml.close(element)
    }

    /// `Name`, `Id` and `TypeId` of a unit: its name and its primary identifier.
    private static func writeOwnIdentity(of unit: MsgHeadParty.Unit, into xml: inout XMLWriter) {
        xml.element("Name", unit.name)
        if let primary = unit.primaryIndex.map({ unit.identifiers[$0] }) {
            xml.element("Id", primary.id)
            xml.empty("TypeId", [("V", primary.type), ("DN", primary.typeName)])
        }
    }

    /// An `AdditionalId` for each identifier but the primary one.
    private static func writeAdditionalIds(of unit: MsgHeadParty.Unit, into xml: inout XMLWriter) {
        let primary = unit.primaryIndex
        for (index, identifier) in unit.identifiers.enumerated() where index != primary {
            xml.open("AdditionalId")
            xml.element("Id", identifier.id)
            xml.empty("Type", [("V", identifier.type), ("DN", identifier.typeName)])
            xml.close("AdditionalId")
        }
    }
}
