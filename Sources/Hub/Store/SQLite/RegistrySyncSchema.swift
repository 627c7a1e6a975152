import GRDB

/// What the registry copy keeps about where it came from (migration `v10-registry-sync`): each
/// party's origin (a file, or AR's export or event feed) and time, and how far the copy has
/// followed AR's event feed.
enum RegistrySyncSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            -- 'file' (origin_source: the path), 'ar-export' or 'ar-event' (origin_source: AR's URL,
            -- origin_sequence: the export's last sequence number or the event's).
            ALTER TABLE party ADD COLUMN origin TEXT;
            ALTER TABLE party ADD COLUMN origin_source TEXT;
            ALTER TABLE party ADD COLUMN origin_sequence INTEGER;
            ALTER TABLE party ADD COLUMN updated_at REAL;
            -- Every party stored before this came from the one file import.
            UPDATE party SET origin = 'file',
                origin_source = (SELECT source FROM registry_state WHERE id = 1),
                updated_at = (SELECT imported_at FROM registry_state WHERE id = 1);

            -- The copy came from AR at `ar_url` and has taken in its events up to `last_sequence`.
            -- No row: the copy is not AR's (never synced, or a file import replaced it), so the
            -- next sync starts with an export.
            CREATE TABLE registry_sync (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                ar_url TEXT NOT NULL,
                last_sequence INTEGER NOT NULL,
                exported_at REAL NOT NULL,
                synced_at REAL NOT NULL
            );
            """)
    }
}
