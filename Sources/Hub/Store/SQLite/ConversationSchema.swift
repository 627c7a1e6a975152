import GRDB

/// The conversations table (migration `v9-conversations`), kept apart from `StoreSchema` so
/// that the migration list stays a list.
enum ConversationSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            -- A request that expects an answer (dialogs contract §2). No patient data: ids, parties,
            -- function and times. The messages it names may be pruned before it is: their ids stay
            -- as text, the row links become NULL.
            CREATE TABLE conversation (
                id INTEGER PRIMARY KEY,
                conversation_id TEXT NOT NULL,
                request_message INTEGER REFERENCES message(id) ON DELETE SET NULL,
                request_message_id TEXT NOT NULL,
                request_msg_id TEXT NOT NULL,
                function TEXT NOT NULL,
                sender_her_id INTEGER NOT NULL,
                receiver_her_id INTEGER NOT NULL,
                opened_at REAL NOT NULL,
                deadline REAL NOT NULL,
                state TEXT NOT NULL,
                answer_message INTEGER REFERENCES message(id) ON DELETE SET NULL,
                answer_message_id TEXT,
                answered_at REAL,
                closed_reason TEXT,
                updated_at REAL NOT NULL
            );
            -- An answer names the request's MsgId or the conversation, between the same two parties.
            CREATE INDEX conversation_by_request ON conversation(sender_her_id, receiver_her_id, request_msg_id);
            CREATE INDEX conversation_by_id ON conversation(sender_her_id, receiver_her_id, conversation_id);
            CREATE INDEX conversation_by_request_message ON conversation(request_message);
            CREATE INDEX conversation_by_answer_message ON conversation(answer_message);
            CREATE INDEX conversation_open_by_deadline ON conversation(deadline) WHERE state = 'open';
            CREATE INDEX conversation_by_receiver ON conversation(receiver_her_id, opened_at);
            CREATE INDEX conversation_by_sender ON conversation(sender_her_id, opened_at);
            CREATE INDEX conversation_finished ON conversation(updated_at) WHERE state IN ('answered', 'answered-late', 'closed');
            """)
        try notificationsAboutConversations(db)
    }

    /// Migration `v11-conversation-lookups`: two indexes fewer to write for every conversation
    /// opened. A request without a `RefToConversation` (the usual case) has its MsgId as the
    /// conversation's id, so `conversation_by_id` finds it by either; the request MsgId index
    /// now holds only the conversations whose two ids differ. And no conversation has an answer
    /// when it is opened, so the answer index holds answered ones only (`answer_message = ?`,
    /// as the foreign key's `SET NULL` asks, still uses it).
    static func narrowIndexes(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX conversation_by_request;
            CREATE INDEX conversation_by_other_request ON conversation(sender_her_id, receiver_her_id, request_msg_id)
                WHERE request_msg_id != conversation_id;
            DROP INDEX conversation_by_answer_message;
            CREATE INDEX conversation_by_answer_message ON conversation(answer_message) WHERE answer_message IS NOT NULL;
            """)
    }

    /// Migration `v12-conversation-writes`: less work for every conversation opened or moved.
    /// - `conversation_by_sender` goes: `conversation_by_id` begins with the sender's HER-id, so
    ///   it finds a party's conversations as their sender just as well (the listing sorts by
    ///   opening time either way).
    /// - `conversation_finished` says its states with `OR` instead of `IN`: SQLite evaluates a
    ///   partial index's `IN` list of three by building a temporary B-tree, for every row
    ///   inserted or changed. The pruning query names them the same way (`finishedStates`), or
    ///   SQLite would not use the index.
    static func cheaperWrites(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX conversation_by_sender;
            DROP INDEX conversation_finished;
            CREATE INDEX conversation_finished ON conversation(updated_at) WHERE \(finishedStates);
            """)
    }

    /// Migration `v13-msg-id-keys`: a conversation opened with the request's MsgId as its id (the
    /// usual case) is found through its request, by `message_by_msg_id` and
    /// `conversation_by_request_message` (`SQLiteStore.namedConversations`), while the store
    /// keeps the request; `conversation_by_own_id` holds only the others. That index was keyed by
    /// the MsgId as well: with random MsgIds every conversation opened dirtied a leaf page of its
    /// own. `conversation_by_sender` comes back for the listings, whose `conversation_by_id` it was.
    static func requestKeyedLookups(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX conversation_by_id;
            CREATE INDEX conversation_by_own_id ON conversation(sender_her_id, receiver_her_id, conversation_id)
                WHERE \(notFoundByRequest);
            CREATE INDEX conversation_by_sender ON conversation(sender_her_id, opened_at);
            """)
    }

    /// The conversations `conversation_by_own_id` holds: those not found through their request
    /// message, because their id is another, or because retention pruned the request.
    static let notFoundByRequest = "(conversation_id != request_msg_id OR request_message IS NULL)"

    /// The finished states, as `conversation_finished` is defined with them.
    static let finishedStates = "(state = 'answered' OR state = 'answered-late' OR state = 'closed')"

    /// A notification is about a message, a PROMs order or, now, a conversation: an overdue
    /// conversation's request may have been pruned already (retention and deadline are both 30
    /// days by default). SQLite cannot change a CHECK constraint, so the table is rebuilt with its
    /// rows, their positions and its AUTOINCREMENT counter, so that clients' offsets stay
    /// meaningful (as `PromsSchema` did).
    private static func notificationsAboutConversations(_ db: Database) throws {
        let counter = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'notification'")
        try db.execute(sql: """
            CREATE TABLE notification_v9 (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                receiver_her_id INTEGER NOT NULL,
                type TEXT NOT NULL,
                message INTEGER REFERENCES message(id) ON DELETE CASCADE,
                proms_order TEXT REFERENCES proms_order(id) ON DELETE CASCADE,
                conversation INTEGER REFERENCES conversation(id) ON DELETE CASCADE,
                related_message_id TEXT NOT NULL,
                triggered_by_her_id INTEGER,
                description TEXT NOT NULL,
                created_at REAL NOT NULL,
                CHECK ((message IS NOT NULL) + (proms_order IS NOT NULL) + (conversation IS NOT NULL) = 1)
            );
            INSERT INTO notification_v9 (position, receiver_her_id, type, message, proms_order, related_message_id,
                                         triggered_by_her_id, description, created_at)
            SELECT position, receiver_her_id, type, message, proms_order, related_message_id, triggered_by_her_id,
                   description, created_at
            FROM notification;
            DROP TABLE notification;
            ALTER TABLE notification_v9 RENAME TO notification;
            CREATE INDEX notification_by_receiver ON notification(receiver_her_id, position);
            CREATE INDEX notification_by_message ON notification(message);
            CREATE INDEX notification_by_proms_order ON notification(proms_order) WHERE proms_order IS NOT NULL;
            CREATE INDEX notification_by_conversation ON notification(conversation) WHERE conversation IS NOT NULL;
            """)
        guard let counter else { return }
        try db.execute(sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'notification'", arguments: [counter])
        if db.changesCount == 0 {
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('notification', ?)", arguments: [counter])
        }
    }
}
