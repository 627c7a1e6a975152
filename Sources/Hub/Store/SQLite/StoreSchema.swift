import GRDB

/// The store's migrations. Named and ordered; a released migration is never edited.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY,
                    message_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    from_her_id INTEGER,
                    to_her_id INTEGER,
                    function TEXT,
                    msg_id TEXT,
                    target_kind TEXT NOT NULL,
                    target_her_id INTEGER,
                    target_queue TEXT,
                    properties BLOB NOT NULL,
                    body BLOB NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL,
                    last_error TEXT,
                    accepted_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                );
                -- Dispatch reads only pending rows, in due order: a partial index keeps that logarithmic
                -- however many sent rows accumulate.
                CREATE INDEX message_due ON message(next_attempt_at, id) WHERE state = 'pending';
                CREATE INDEX message_by_message_id ON message(message_id);
                CREATE INDEX message_by_msg_id ON message(msg_id) WHERE msg_id IS NOT NULL;

                -- A rowid table: the rowid keeps the order statuses were recorded in.
                CREATE TABLE status (
                    message INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                    status TEXT NOT NULL,
                    at REAL NOT NULL,
                    detail TEXT,
                    UNIQUE (message, status)
                );

                CREATE TABLE duplicate_key (
                    from_her_id INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    accepted_at REAL NOT NULL,
                    PRIMARY KEY (from_her_id, key)
                ) WITHOUT ROWID;

                CREATE TABLE dead_letter (
                    id INTEGER PRIMARY KEY,
                    message INTEGER REFERENCES message(id) ON DELETE SET NULL,
                    message_id TEXT,
                    from_her_id TEXT,
                    to_her_id TEXT,
                    function TEXT,
                    reason TEXT NOT NULL,
                    at REAL NOT NULL,
                    properties BLOB NOT NULL,
                    body BLOB NOT NULL
                );

                CREATE TABLE party (
                    her_id INTEGER PRIMARY KEY,
                    document BLOB NOT NULL
                );
                CREATE TABLE registry_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL,
                    imported_at REAL NOT NULL,
                    source TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-dead-letter-replay") { db in
            try db.execute(sql: """
                ALTER TABLE dead_letter ADD COLUMN replayed_at REAL;
                CREATE INDEX duplicate_key_by_age ON duplicate_key(accepted_at);
                CREATE INDEX message_finished_by_age ON message(accepted_at) WHERE state != 'pending';
                """)
        }
        migrator.registerMigration("v3-dispatch-lanes") { db in
            // Dispatch takes due messages target by target (round robin), so that one target's
            // backlog never stands in front of another's.
            try db.execute(sql: """
                CREATE INDEX message_lane ON message(target_kind, target_her_id, target_queue, next_attempt_at, id)
                WHERE state = 'pending';
                """)
        }
        migrator.registerMigration("v4-drop-due-index") { db in
            // Dispatch reads by lane since v3; one index less to maintain on every write.
            try db.execute(sql: "DROP INDEX message_due")
        }
        migrator.registerMigration("v5-duplicate-key-kinds") { db in
            // Accepted keys get a prefix of their own, like refusals, dead letters and receivers'
            // error messages already have, so that a MsgId cannot pass for one of those.
            try db.execute(sql: """
                UPDATE duplicate_key SET key = 'msg:' || key
                WHERE key NOT LIKE 'refused:%' AND key NOT LIKE 'dead:%' AND key NOT LIKE 'message_id:%'
                """)
        }
        migrator.registerMigration("v6-rest") { db in
            try db.execute(sql: """
                -- How a message came in: REST senders hear of its fate through notifications.
                ALTER TABLE message ADD COLUMN origin TEXT NOT NULL DEFAULT 'amqp';

                -- Parties that receive over REST instead of their AR queue (no row: the queue).
                CREATE TABLE delivery_channel (
                    her_id INTEGER PRIMARY KEY,
                    channel TEXT NOT NULL,
                    webhook_url TEXT,
                    webhook_secret TEXT,
                    updated_at REAL NOT NULL
                );

                -- AUTOINCREMENT: a position is never handed out twice, even after pruning, so a
                -- client's offset stays meaningful.
                CREATE TABLE notification (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    receiver_her_id INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    message INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                    related_message_id TEXT NOT NULL,
                    triggered_by_her_id INTEGER,
                    description TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX notification_by_receiver ON notification(receiver_her_id, position);
                CREATE INDEX notification_by_message ON notification(message);

                -- The AppRec that answered a message (the latest), for its status as REST shows it.
                CREATE TABLE apprec_link (
                    message INTEGER PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE,
                    apprec INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE
                );
                CREATE INDEX apprec_link_by_apprec ON apprec_link(apprec);

                -- One row that readiness checks rewrite: proof that the store takes writes.
                CREATE TABLE readiness_probe (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v7-events") { db in
            try db.execute(sql: """
                -- The event log. AUTOINCREMENT: a sequence is never handed out twice, so a
                -- subscriber's position in the log stays meaningful. `citizen` is a SHA-256 of the
                -- national identity number (which is only in `body`): the per-citizen rules and
                -- delivery lanes need a key, not the number. `covers` is ",h1,h2," for filters.
                CREATE TABLE event (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    citizen TEXT NOT NULL,
                    citizen_sequence INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    action TEXT NOT NULL,
                    covers TEXT NOT NULL,
                    body BLOB NOT NULL,
                    publisher_her_id INTEGER NOT NULL,
                    accepted_at REAL NOT NULL
                );
                CREATE INDEX event_by_citizen ON event(citizen, citizen_sequence);

                CREATE TABLE subscription (
                    her_id INTEGER PRIMARY KEY,
                    kinds TEXT NOT NULL,
                    actions TEXT NOT NULL,
                    covered_her_ids TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    webhook_url TEXT,
                    webhook_secret TEXT,
                    updated_at REAL NOT NULL
                );

                -- What is still to be delivered: one row per event and subscriber, or per event for
                -- the topic exchange (subscriber 0), written with the event. A lane is a subscriber
                -- and a citizen; only the oldest row of a lane is ever sent.
                CREATE TABLE event_delivery (
                    subscriber INTEGER NOT NULL,
                    sequence INTEGER NOT NULL REFERENCES event(sequence) ON DELETE CASCADE,
                    citizen TEXT NOT NULL,
                    transport TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT,
                    PRIMARY KEY (subscriber, sequence)
                ) WITHOUT ROWID;
                -- Delivery walks each loop's rows in log order and stops at a batch: a backlog is
                -- never scanned whole. The lane index answers "is there an older row in my lane".
                CREATE INDEX event_delivery_lane ON event_delivery(subscriber, citizen, sequence);
                CREATE INDEX event_delivery_order ON event_delivery(transport, sequence, subscriber);
                CREATE INDEX event_delivery_due ON event_delivery(transport, next_attempt_at);
                """)
        }
        migrator.registerMigration("v8-proms") { db in
            try PromsSchema.migrate(db)
        }
        migrator.registerMigration("v9-conversations") { db in
            try ConversationSchema.migrate(db)
        }
        migrator.registerMigration("v10-registry-sync") { db in
            try RegistrySyncSchema.migrate(db)
        }
        migrator.registerMigration("v11-conversation-lookups") { db in
            try ConversationSchema.narrowIndexes(db)
        }
        migrator.registerMigration("v12-conversation-writes") { db in
            try ConversationSchema.cheaperWrites(db)
        }
        migrator.registerMigration("v13-msg-id-keys") { db in
            // An accepted message is its own duplicate key (`SQLiteStore.claim`), looked up by its
            // MsgId and sender: with the sender in the index, MsgIds many senders share (counters)
            // cost no row reads.
            try db.execute(sql: """
                DROP INDEX message_by_msg_id;
                CREATE INDEX message_by_msg_id ON message(msg_id, from_her_id) WHERE msg_id IS NOT NULL;
                """)
            try ConversationSchema.requestKeyedLookups(db)
        }
        migrator.registerMigration("v14-sent-in-row") { db in
            // When a message was first sent is kept in its row, which recording `sent` rewrites
            // anyway, instead of in a `status` row and its unique index: two B-trees fewer for
            // every message sent. Rows written before keep their `sent` status rows.
            try db.execute(sql: "ALTER TABLE message ADD COLUMN sent_at REAL")
        }
        return migrator
    }
}
