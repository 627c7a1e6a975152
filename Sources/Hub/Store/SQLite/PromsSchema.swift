import GRDB

/// The tables of PROMs orders (migration `v8-proms`), kept apart from `StoreSchema` so that the
/// migration list stays a list.
enum PromsSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            -- A register's form order. The national identity number is kept for placing the order
            -- (and comparing a repeated one); it leaves hubd only towards the PROMs service.
            CREATE TABLE proms_order (
                id TEXT PRIMARY KEY,
                register_her_id INTEGER NOT NULL,
                register_reference TEXT NOT NULL,
                form_id TEXT NOT NULL,
                national_id TEXT NOT NULL,
                expiry_date TEXT NOT NULL,
                -- The end of expiry_date, Norwegian time: placing stops there, expiry counts from it.
                deadline REAL NOT NULL,
                distribution_rule INTEGER NOT NULL,
                metadata TEXT,
                status TEXT NOT NULL,
                form_order_id TEXT,
                notification_channel TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL,
                last_error TEXT,
                answer_form_data TEXT,
                answer_signed_form_id TEXT,
                answer_completed_at REAL,
                answer_warnings TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                UNIQUE (register_her_id, register_reference)
            );
            CREATE INDEX proms_order_due ON proms_order(next_attempt_at) WHERE status = 'accepted';
            CREATE INDEX proms_order_open ON proms_order(deadline) WHERE status IN ('accepted', 'ordered', 'error');
            CREATE INDEX proms_order_by_form_order ON proms_order(form_order_id) WHERE form_order_id IS NOT NULL;
            CREATE INDEX proms_order_finished ON proms_order(updated_at) WHERE status IN ('completed', 'expired', 'failed');

            -- A rowid table, as `status`: the rowid keeps the order statuses were recorded in.
            CREATE TABLE proms_status (
                proms_order TEXT NOT NULL REFERENCES proms_order(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                at REAL NOT NULL,
                detail TEXT,
                UNIQUE (proms_order, status)
            );
            """)
        try notificationsAboutOrders(db)
    }

    /// A notification is about a message or, now, about a PROMs order. SQLite cannot drop the
    /// NOT NULL of `notification.message`, so the table is rebuilt with its rows, their
    /// positions and its AUTOINCREMENT counter, so that clients' offsets stay meaningful.
    private static func notificationsAboutOrders(_ db: Database) throws {
        let counter = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'notification'")
        try db.execute(sql: """
            CREATE TABLE notification_v8 (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                receiver_her_id INTEGER NOT NULL,
                type TEXT NOT NULL,
                message INTEGER REFERENCES message(id) ON DELETE CASCADE,
                proms_order TEXT REFERENCES proms_order(id) ON DELETE CASCADE,
                related_message_id TEXT NOT NULL,
                triggered_by_her_id INTEGER,
                description TEXT NOT NULL,
                created_at REAL NOT NULL,
                CHECK ((message IS NULL) <> (proms_order IS NULL))
            );
            INSERT INTO notification_v8 (position, receiver_her_id, type, message, related_message_id,
                                         triggered_by_her_id, description, created_at)
            SELECT position, receiver_her_id, type, message, related_message_id, triggered_by_her_id, description, created_at
            FROM notification;
            DROP TABLE notification;
            ALTER TABLE notification_v8 RENAME TO notification;
            CREATE INDEX notification_by_receiver ON notification(receiver_her_id, position);
            CREATE INDEX notification_by_message ON notification(message);
            CREATE INDEX notification_by_proms_order ON notification(proms_order) WHERE proms_order IS NOT NULL;
            """)
        guard let counter else { return }
        try db.execute(sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'notification'", arguments: [counter])
        if db.changesCount == 0 {
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('notification', ?)", arguments: [counter])
        }
    }
}
