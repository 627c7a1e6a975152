import Dialogs
import Foundation
import Hub
import PostgresNIO

/// The event log: appending under its rules, and reading it back.
extension PostgresStore {
    /// Appends an event in the ingress transaction, with one delivery row for the exchange
    /// (when a subscriber bound to it wants the event) and one per subscriber reached directly.
    /// Subscriptions are read once per transaction: `subscriptions` is that transaction's cache.
    ///
    /// The caller holds the event lock (`commitIngress` takes it before the first decision of a
    /// batch with an event), until the ingress transaction ends: instances appending at once
    /// take turns, so each one's checks (is the id known, is the citizen sequence greater than
    /// the last) see every event committed before, sequences become visible in the order they
    /// were handed out, and the subscriptions read here cannot change before the delivery rows
    /// are committed (`putSubscription` takes the lock too). The lock is held before the id
    /// lookup, so the same new event appended by two instances at once is found by the second,
    /// as in SQLite, instead of being refused for its sequence.
    func append(
        _ draft: EventDraft, subscriptions: inout [EventSubscription]?, now: Date, db: PostgresConnection
    ) async throws -> IngressOutcome {
        let event = draft.event
        let body = event.canonicalJSON
        if let row = try await db.record("SELECT sequence, body FROM event WHERE event_id = \(event.eventId)", logger) {
            let stored: Data = try row["body"]
            if Array(stored) == body { return .eventRecorded(sequence: try row["sequence"], new: false) }
            return try await refuse(EventDraft.contentRefusal, notice: draft.contentNotice, now: now, db: db)
        }
        let citizen = CitizenKey.of(nationalId: event.nationalId)
        let last = try await lastCitizenSequence(citizen, db: db)
        if let last, event.citizenSequence <= last {
            return try await refuse(EventDraft.sequenceRefusal, notice: draft.sequenceNotice, now: now, db: db)
        }
        guard let sequence = try await db.value("""
            INSERT INTO event (event_id, citizen, citizen_sequence, kind, action, covers, body, publisher_her_id, accepted_at)
            VALUES (\(event.eventId), \(citizen), \(event.citizenSequence), \(event.kind.rawValue), \(event.action.rawValue),
                    \(draft.coversColumn), \(Data(body)), \(draft.publisherHerId), \(now.timeIntervalSince1970))
            RETURNING sequence
            """, logger, as: Int64.self) else {
            throw CorruptRecord("the database returned no sequence for a new event")
        }
        if subscriptions == nil { subscriptions = try await fetchSubscriptions(db) }
        let deliveries = draft.deliveries(among: subscriptions ?? [])
        if !deliveries.isEmpty {
            // One statement for all of the event's rows: a popular event reaches many subscribers.
            try await db.run("""
                INSERT INTO event_delivery (subscriber, sequence, citizen, transport, next_attempt_at)
                SELECT subscriber, \(sequence), \(citizen), transport, \(now.timeIntervalSince1970)
                FROM unnest(\(deliveries.map { $0.subscriber }), \(deliveries.map { $0.transport })) AS x(subscriber, transport)
                """, logger)
        }
        return .eventRecorded(sequence: sequence, new: true)
    }

    private func refuse(_ rejection: Rejection, notice: NewMessage?, now: Date, db: PostgresConnection) async throws -> IngressOutcome {
        if let notice {
            if let key = notice.duplicateKey {
                guard try await claim(key, now: now, db: db) else { return .duplicate }
            }
            _ = try await insert(notice, now: now, db: db)
        }
        return .eventRefused(rejection)
    }

    /// A stored event, by its id; nil when there is none.
    package func event(eventId: String) async throws(StoreError) -> LoggedEvent? {
        return try await read("look up an event") { db in
            guard let row = try await db.record(
                "SELECT sequence, body FROM event WHERE event_id = \(eventId.lowercased())", self.logger) else { return nil }
            let body: Data = try row["body"]
            return LoggedEvent(sequence: try row["sequence"], body: Array(body))
        }
    }

    /// The last `citizenSequence` stored for a citizen, 0 when none.
    package func lastCitizenSequence(nationalId: String) async throws(StoreError) -> Int {
        let citizen = CitizenKey.of(nationalId: nationalId)
        return try await read("read a citizen's last sequence") { db in
            try await self.lastCitizenSequence(citizen, db: db) ?? 0
        }
    }

    /// The highest `citizen_sequence` of a citizen's events; nil when it has none.
    private func lastCitizenSequence(_ citizen: String, db: PostgresConnection) async throws -> Int? {
        try await db.value("""
            SELECT citizen_sequence FROM event WHERE citizen = \(citizen) ORDER BY citizen_sequence DESC LIMIT 1
            """, logger, as: Int.self)
    }

    /// Events after `sequence` that `subscription`'s filter matches, oldest first, at most `limit`.
    package func events(after sequence: Int64, matching subscription: EventSubscription, limit: Int) async throws(StoreError) -> [LoggedEvent] {
        let kinds = subscription.kinds.map(\.rawValue)
        let actions = subscription.actions.map(\.rawValue)
        // ",h," somewhere in `covers` (digits and commas: nothing LIKE would take for a wildcard).
        let covers = subscription.coveredHerIds.map { "%,\($0),%" }
        return try await read("read the event log") { db in
            // An empty list is no condition.
            try await db.records("""
                SELECT sequence, body FROM event
                WHERE sequence > \(sequence)
                  AND (cardinality(\(kinds)) = 0 OR kind = ANY(\(kinds)))
                  AND (cardinality(\(actions)) = 0 OR action = ANY(\(actions)))
                  AND (cardinality(\(covers)) = 0 OR covers LIKE ANY(\(covers)))
                ORDER BY sequence LIMIT \(limit)
                """, self.logger).map { row in
                let body: Data = try row["body"]
                return LoggedEvent(sequence: try row["sequence"], body: Array(body))
            }
        }
    }
}
