import AddressRegistry

/// AR's CommunicationParty API v1 as the registry sync needs it (dialogs.md §3). The hub knows
/// no HTTP; `RESTBridge` implements this over AR's API, tests stand in for it.
package protocol AddressRegisterClient: Sendable {
    /// AR's base URL: what the copy's provenance names.
    var url: String { get }

    /// `GET /api/v1/communicationparty/export`: every active party's HER-id, and the last event
    /// sequence number the export includes.
    func export() async throws(AddressRegisterError) -> AddressRegisterExport

    /// `POST /api/v1/communicationparty` with at most 100 HER-ids: those parties as AR gives
    /// them now. A HER-id AR does not answer for is left out.
    func parties(_ herIds: [Int]) async throws(AddressRegisterError) -> [RegistryEntry]

    /// `GET /api/v1/event?fromSequenceNumber=&maxEvents=`: up to `limit` events from `sequence` on.
    func events(from sequence: Int64, limit: Int) async throws(AddressRegisterError) -> [AddressRegisterEvent]
}
