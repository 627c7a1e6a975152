/*
 * The durable mode of crelay: what any hub that validates and stores before it acknowledges
 * has to do per message, and nothing more. hubbench's "floor" scenario measures it beside the
 * plain relay, so that hubd's CPU per message can be read against the least its guarantees cost.
 */
#ifndef CRELAY_DURABLE_H
#define CRELAY_DURABLE_H

#include <sqlite3.h>

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#else
#include <amqp.h>
#endif

struct durable;

/* Opens (creates) the store at `store_path` with hubd's settings (WAL, 16 KiB pages, full
   sync for acceptance) and compiles the schema at `schema_path`. NULL after saying why. */
struct durable *durable_open(const char *store_path, const char *schema_path);

/* Parses and validates every body of the batch against the schema, then stores the batch in
   one fully synced transaction, keyed by the AMQP message id. ids[i] is the stored row, or 0
   for a message id stored before (a duplicate, not to be sent). -1 on an invalid body or a
   store error, after saying so. */
int durable_accept(struct durable *durable, const amqp_envelope_t *batch, int count, sqlite3_int64 *ids);

/* Records the rows as sent, in one transaction synced like hubd's (deferred). -1 on an error. */
int durable_sent(struct durable *durable, const sqlite3_int64 *ids, int count);

void durable_close(struct durable *durable);

#endif
