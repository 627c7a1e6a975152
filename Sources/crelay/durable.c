/*
 * crelay's durable mode (durable.h). Each step is the cheapest form of one of hubd's
 * guarantees: libxml2 reads a body with hubd's parser options through a reused context and
 * validates it against the same compiled schemas with a reused validation context; SQLite keeps
 * the body under a unique message id (one random key, as hubd's index on the AMQP message id
 * is) with hubd's page size, log mode and sync settings; a row is marked sent after its confirm.
 * It leaves out all the rest hubd does: routing fields, headers, status history, conversations,
 * duplicate keys on the MsgId, lanes, metrics and logs.
 */
#include "durable.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

struct durable {
  sqlite3 *db;
  sqlite3_stmt *insert;
  sqlite3_stmt *mark_sent;
  xmlSchemaPtr schema;
  xmlSchemaValidCtxtPtr validation;
  xmlParserCtxtPtr parser;
};

static const int parse_options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                 XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT | XML_PARSE_NOBLANKS;

/* libxml2 prints nothing: a failure is reported by its result, without the payload. */
static void quiet(void *context, xmlErrorPtr error) { (void)context; (void)error; }

static int exec(struct durable *durable, const char *sql) {
  char *message = NULL;
  if (sqlite3_exec(durable->db, sql, NULL, NULL, &message) == SQLITE_OK) return 0;
  fprintf(stderr, "crelay: store: %s: %s\n", sql, message ? message : sqlite3_errmsg(durable->db));
  sqlite3_free(message);
  return -1;
}

struct durable *durable_open(const char *store_path, const char *schema_path) {
  struct durable *durable = calloc(1, sizeof(struct durable));
  if (!durable) return NULL;
  xmlInitParser();
  xmlSetStructuredErrorFunc(NULL, quiet);
  xmlSchemaParserCtxtPtr compiling = xmlSchemaNewParserCtxt(schema_path);
  durable->schema = compiling ? xmlSchemaParse(compiling) : NULL;
  if (compiling) xmlSchemaFreeParserCtxt(compiling);
  if (!durable->schema) {
    fprintf(stderr, "crelay: cannot compile the schemas at %s\n", schema_path);
    return NULL;
  }
  durable->validation = xmlSchemaNewValidCtxt(durable->schema);
  durable->parser = xmlNewParserCtxt();
  if (!durable->validation || !durable->parser) return NULL;
  xmlSchemaSetValidStructuredErrors(durable->validation, quiet, NULL);

  if (sqlite3_open(store_path, &durable->db) != SQLITE_OK) {
    fprintf(stderr, "crelay: cannot open the store at %s\n", store_path);
    return NULL;
  }
  if (exec(durable, "PRAGMA page_size = 16384; PRAGMA cache_size = -8192; PRAGMA journal_mode = WAL") < 0 ||
      exec(durable, "CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, "
                    "body BLOB NOT NULL, state TEXT NOT NULL, accepted_at REAL NOT NULL)") < 0)
    return NULL;
  if (sqlite3_prepare_v2(durable->db,
                         "INSERT INTO message (message_id, body, state, accepted_at) VALUES (?, ?, 'pending', ?) "
                         "ON CONFLICT (message_id) DO NOTHING",
                         -1, &durable->insert, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(durable->db, "UPDATE message SET state = 'sent' WHERE id = ?", -1, &durable->mark_sent, NULL) !=
          SQLITE_OK) {
    fprintf(stderr, "crelay: store: %s\n", sqlite3_errmsg(durable->db));
    return NULL;
  }
  return durable;
}

/* Runs a bound statement once; -1 after saying why and rolling the transaction back. */
static int step(struct durable *durable, sqlite3_stmt *statement) {
  int status = sqlite3_step(statement);
  sqlite3_reset(statement);
  if (status == SQLITE_DONE) return 0;
  fprintf(stderr, "crelay: store: %s\n", sqlite3_errmsg(durable->db));
  exec(durable, "ROLLBACK");
  return -1;
}

/* Whether the body is a well-formed document that the schemas accept. */
static int valid(struct durable *durable, amqp_bytes_t body) {
  xmlDocPtr document = xmlCtxtReadMemory(durable->parser, body.bytes, (int)body.len, NULL, NULL, parse_options);
  if (!document) return 0;
  int result = xmlSchemaValidateDoc(durable->validation, document);
  xmlFreeDoc(document);
  return result == 0;
}

int durable_accept(struct durable *durable, const amqp_envelope_t *batch, int count, sqlite3_int64 *ids) {
  for (int i = 0; i < count; i++) {
    if (!valid(durable, batch[i].message.body)) {
      fprintf(stderr, "crelay: message %d of the batch is not valid against the schemas\n", i);
      return -1;
    }
  }
  struct timeval now;
  gettimeofday(&now, NULL);
  double stamp = (double)now.tv_sec + (double)now.tv_usec / 1e6;
  if (exec(durable, "PRAGMA synchronous = FULL; BEGIN") < 0) return -1;
  for (int i = 0; i < count; i++) {
    const amqp_basic_properties_t *properties = &batch[i].message.properties;
    if (!(properties->_flags & AMQP_BASIC_MESSAGE_ID_FLAG)) {
      fprintf(stderr, "crelay: message %d of the batch has no message id\n", i);
      exec(durable, "ROLLBACK");
      return -1;
    }
    sqlite3_bind_text(durable->insert, 1, properties->message_id.bytes, (int)properties->message_id.len, SQLITE_STATIC);
    sqlite3_bind_blob(durable->insert, 2, batch[i].message.body.bytes, (int)batch[i].message.body.len, SQLITE_STATIC);
    sqlite3_bind_double(durable->insert, 3, stamp);
    if (step(durable, durable->insert) < 0) return -1;
    ids[i] = sqlite3_changes(durable->db) > 0 ? sqlite3_last_insert_rowid(durable->db) : 0;
  }
  return exec(durable, "COMMIT");
}

int durable_sent(struct durable *durable, const sqlite3_int64 *ids, int count) {
  if (exec(durable, "PRAGMA synchronous = NORMAL; BEGIN") < 0) return -1;
  for (int i = 0; i < count; i++) {
    if (ids[i] == 0) continue;
    sqlite3_bind_int64(durable->mark_sent, 1, ids[i]);
    if (step(durable, durable->mark_sent) < 0) return -1;
  }
  return exec(durable, "COMMIT");
}

void durable_close(struct durable *durable) {
  if (!durable) return;
  sqlite3_finalize(durable->insert);
  sqlite3_finalize(durable->mark_sent);
  sqlite3_close(durable->db);
  xmlFreeParserCtxt(durable->parser);
  xmlSchemaFreeValidCtxt(durable->validation);
  xmlSchemaFree(durable->schema);
  free(durable);
}
