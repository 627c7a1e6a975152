import Dialogs
import Foundation
import GRDB

/// The event log: appending under its rules, and reading it back.
extension SQLiteStore {
    /// Appends an event in the ingress transaction, with one delivery row for the exchange
    /// (when a subscriber bound to it wants the event) and one per subscriber reached directly.
    /// Subscriptions are read once per transaction: `subscriptions` is that transaction's cache.
    static func append(
        _ draft: EventDraft, subscriptions: inout [EventSubscription]?, now: Date, db: Database
    ) throws -> IngressOutcome {
        let event = draft.event
        let body = event.canonicalJSON
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT sequence, body FROM event WHERE event_id = ?"),
                                      arguments: [event.eventId]) {
            let stored: [UInt8] = Array(row["body"] as Data)
            if stored == body { return .eventRecorded(sequence: row["sequence"], new: false) }
            return try refuse(EventDraft.contentRefusal, notice: draft.contentNotice, now: now, db: db)
        }
        let citizen = CitizenKey.of(nationalId: event.nationalId)
        let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(citizen_sequence) FROM event WHERE citizen = ?"),
                                    arguments: [citizen])
        if let last, event.citizenSequence <= last {
            return try refuse(EventDraft.sequenceRefusal, notice: draft.sequenceNotice, now: now, db: db)
        }
        try db.cachedStatement(sql: """
            INSERT INTO event (event_id, citizen, citizen_sequence, kind, action, covers, body, publisher_her_id, accepted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                event.eventId, citizen, event.citizenSequence, event.kind.rawValue, event.action.rawValue,
                draft.coversColumn, Data(body), draft.publisherHerId, now.timeIntervalSince1970,
            ])
        let sequence = db.lastInsertedRowID
        if subscriptions == nil { subscriptions = try fetchSubscriptions(db) }
        let insertDelivery = try db.cachedStatement(sql: """
            INSERT INTO event_delivery (subscriber, sequence, citizen, transport, next_attempt_at) VALUES (?, ?, ?, ?, ?)
            """)
        for (subscriber, transport) in draft.deliveries(among: subscriptions ?? []) {
            try insertDelivery.execute(arguments: [subscriber, sequence, citizen, transport, now.timeIntervalSince1970])
        }
        return .eventRecorded(sequence: sequence, new: true)
    }

    private static func refuse(_ rejection: Rejection, notice: NewMessage?, now: Date, db: Database) throws -> IngressOutcome {
        if let notice {
            if let key = notice.duplicateKey {
                guard try claim(key, now: now, db: db) else { return .duplicate }
            }
            _ = try insert(notice, now: now, db: db)
        }
        return .eventRefused(rejection)
    }

    package func event(eventId: String) async throws(StoreError) -> LoggedEvent? {
        try await read("look up an event") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT sequence, body FROM event WHERE event_id = ?"),
                             arguments: [eventId.lowercased()])
                .map { LoggedEvent(sequence: $0["sequence"], body: Array($0["body"] as Data)) }
        }
    }

    package func lastCitizenSequence(nationalId: String) async throws(StoreError) -> Int {
        let citizen = CitizenKey.of(nationalId: nationalId)
        return try await read("read a citizen's last sequence") { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(citizen_sequence) FROM event WHERE citizen = ?"),
                             arguments: [citizen]) ?? 0
        }
    }

    package func events(after sequence: Int64, matching subscription: EventSubscription, limit: Int) async throws(StoreError) -> [LoggedEvent] {
        var conditions = ["sequence > ?"]
        var arguments: StatementArguments = [sequence]
        if !subscription.kinds.isEmpty {
            conditions.append("kind IN (" + subscription.kinds.map { _ in "?" }.joined(separator: ",") + ")")
            for kind in subscription.kinds { _ = arguments.append(contentsOf: [kind.rawValue]) }
        }
        if !subscription.actions.isEmpty {
            conditions.append("action IN (" + subscription.actions.map { _ in "?" }.joined(separator: ",") + ")")
            for action in subscription.actions { _ = arguments.append(contentsOf: [action.rawValue]) }
        }
        if !subscription.coveredHerIds.isEmpty {
            conditions.append("(" + subscription.coveredHerIds.map { _ in "instr(covers, ?) > 0" }.joined(separator: " OR ") + ")")
            for herId in subscription.coveredHerIds { _ = arguments.append(contentsOf: [",\(herId),"]) }
        }
        _ = arguments.append(contentsOf: [limit])
        let sql = "SELECT sequence, body FROM event WHERE " + conditions.joined(separator: " AND ") + " ORDER BY sequence LIMIT ?"
        let bound = arguments
        return try await read("read the event log") { db in
            try Row.fetchAll(db, sql: sql, arguments: bound).map { row in
                LoggedEvent(sequence: row["sequence"], body: Array(row["body"] as Data))
            }
        }
    }
}
