/*
 * crelay: hubbench's baseline, the plainest hop rabbitmq-c allows. It consumes from one queue
 * with manual acknowledgements, republishes each batch persistently with publisher confirms,
 * and acknowledges the batch (one multiple-ack) once the broker has confirmed all of it.
 * A batch is everything that has arrived while the last one was confirmed, up to the limit,
 * so it batches the way hubd does; while it waits for confirms it keeps reading the next batch
 * from the consumer socket. One thread, no copies beyond rabbitmq-c's own.
 *
 * With STORE and SCHEMA it is durable (durable.h): each batch is validated and stored before it
 * is published, and recorded as sent before it is acknowledged.
 *
 * Usage: crelay AMQP-URL FROM-QUEUE TO-QUEUE [BATCH [STORE SCHEMA]]
 * Runs until SIGTERM or SIGINT, then prints "relayed N" and exits 0; exits 1 on any error.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <poll.h>

#include "durable.h"

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp_socket.h>
#else
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#endif

static volatile sig_atomic_t stopping = 0;
static void on_signal(int signal) { (void)signal; stopping = 1; }

static void die_reply(const char *what, amqp_rpc_reply_t reply) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION)
    fprintf(stderr, "crelay: %s: %s\n", what, amqp_error_string2(reply.library_error));
  else
    fprintf(stderr, "crelay: %s: the broker closed the channel or connection\n", what);
  exit(1);
}

static amqp_connection_state_t open_connection(const struct amqp_connection_info *info, const char *name) {
  amqp_connection_state_t conn = amqp_new_connection();
  amqp_socket_t *socket = amqp_tcp_socket_new(conn);
  if (!socket || amqp_socket_open(socket, info->host, info->port) != AMQP_STATUS_OK) {
    fprintf(stderr, "crelay: %s: cannot connect to %s:%d\n", name, info->host, info->port);
    exit(1);
  }
  die_reply(name, amqp_login(conn, info->vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info->user, info->password));
  amqp_channel_open(conn, 1);
  die_reply(name, amqp_get_rpc_reply(conn));
  return conn;
}

/* Reads deliveries into batch[*count...] until it holds `limit` or nothing more has arrived;
   waits up to `wait_us` for the first one. Returns -1 on an error, after saying so. */
static int take(amqp_connection_state_t in, amqp_envelope_t *batch, int *count, int limit, long wait_us) {
  while (*count < limit) {
    struct timeval wait = {0, wait_us};
    amqp_maybe_release_buffers(in);
    amqp_rpc_reply_t reply = amqp_consume_message(in, &batch[*count], &wait, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) return 0;
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      fprintf(stderr, "crelay: the consumer connection failed\n");
      return -1;
    }
    (*count)++;
    wait_us = 0;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc == 6) {
    fprintf(stderr, "usage: crelay AMQP-URL FROM-QUEUE TO-QUEUE [BATCH [STORE SCHEMA]]\n");
    return 2;
  }
  int batch = argc > 4 ? atoi(argv[4]) : 1000;
  if (batch < 1) batch = 1;
  struct durable *durable = NULL;
  if (argc > 6 && !(durable = durable_open(argv[5], argv[6]))) return 1;
  struct amqp_connection_info info;
  char *url = strdup(argv[1]);
  amqp_default_connection_info(&info);
  if (amqp_parse_url(url, &info) != AMQP_STATUS_OK) {
    fprintf(stderr, "crelay: cannot parse the AMQP URL\n");
    return 2;
  }
  /* rabbitmq-c reads "amqp://host:port/" as the empty vhost; hubd reads it as "/". */
  if (info.vhost[0] == '\0') info.vhost = "/";
  /* A parent may have blocked these (Foundation's Process passes its mask on). */
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGTERM);
  sigaddset(&stops, SIGINT);
  sigprocmask(SIG_UNBLOCK, &stops, NULL);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  amqp_connection_state_t in = open_connection(&info, "consumer");
  amqp_connection_state_t out = open_connection(&info, "publisher");
  amqp_basic_qos(in, 1, 0, (uint16_t)(batch * 2 > 65535 ? 65535 : batch * 2), 0);
  die_reply("basic.qos", amqp_get_rpc_reply(in));
  amqp_basic_consume(in, 1, amqp_cstring_bytes(argv[2]), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  die_reply("basic.consume", amqp_get_rpc_reply(in));
  amqp_confirm_select(out, 1);
  die_reply("confirm.select", amqp_get_rpc_reply(out));

  /* Two batches: the one being confirmed, and the next, read from the consumer's socket while
     the confirms are awaited so that the broker never finds that socket full. */
  amqp_envelope_t *current = calloc((size_t)batch, sizeof(amqp_envelope_t));
  amqp_envelope_t *next = calloc((size_t)batch, sizeof(amqp_envelope_t));
  unsigned char *confirmed = calloc((size_t)batch, 1);
  sqlite3_int64 *ids = calloc((size_t)batch, sizeof(sqlite3_int64));
  amqp_bytes_t target = amqp_cstring_bytes(argv[3]);
  uint64_t published = 0, relayed = 0;
  int waiting = 0; /* messages already read into next */
  while (!stopping) {
    /* The next batch: what has arrived already, else wait briefly for one (so that a stop
       request is noticed), then take whatever else has arrived, without waiting. */
    amqp_envelope_t *swap = current; current = next; next = swap;
    int count = waiting;
    waiting = 0;
    if (take(in, current, &count, batch, count == 0 ? 100000 : 0) < 0) return 1;
    if (count == 0) continue;
    if (durable && durable_accept(durable, current, count, ids) < 0) return 1;
    /* Only what is sent is confirmed: a duplicate the store refused is acknowledged unsent. */
    int sending = 0;
    for (int i = 0; i < count; i++) {
      if (durable && ids[i] == 0) continue;
      sending++;
      amqp_basic_properties_t properties = current[i].message.properties;
      properties._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
      properties.delivery_mode = 2;
      if (amqp_basic_publish(out, 1, amqp_empty_bytes, target, 0, 0, &properties, current[i].message.body) != AMQP_STATUS_OK) {
        fprintf(stderr, "crelay: publish failed\n");
        return 1;
      }
    }
    /* Confirms may come singly, out of order, or as multiple-acks that cover earlier singles:
       each tag of the batch is marked once. */
    memset(confirmed, 0, (size_t)batch);
    int outstanding = sending;
    while (outstanding > 0) {
      amqp_frame_t frame;
      struct timeval none = {0, 0};
      int status = amqp_simple_wait_frame_noblock(out, &frame, &none);
      if (status == AMQP_STATUS_TIMEOUT) {
        /* Nothing from the publisher's socket yet: sleep until either socket has data,
           reading the consumer's meanwhile (unless the next batch is full). */
        if (take(in, next, &waiting, batch, 0) < 0) return 1;
        struct pollfd sockets[2] = {{amqp_get_sockfd(out), POLLIN, 0}, {amqp_get_sockfd(in), POLLIN, 0}};
        int ready = poll(sockets, waiting < batch ? 2 : 1, 60000);
        if (ready == 0) {
          fprintf(stderr, "crelay: no publisher confirm for 60 s\n");
          return 1;
        }
        if (ready < 0 && errno != EINTR) {
          fprintf(stderr, "crelay: poll failed\n");
          return 1;
        }
        continue;
      }
      if (status != AMQP_STATUS_OK) {
        fprintf(stderr, "crelay: lost the publisher connection: %s\n", amqp_error_string2(status));
        return 1;
      }
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      if (frame.payload.method.id != AMQP_BASIC_ACK_METHOD) {
        fprintf(stderr, "crelay: the broker refused a publish (method 0x%08x)\n", frame.payload.method.id);
        return 1;
      }
      amqp_basic_ack_t *ack = frame.payload.method.decoded;
      uint64_t first = ack->multiple ? published + 1 : ack->delivery_tag;
      for (uint64_t tag = first; tag <= ack->delivery_tag && tag <= published + (uint64_t)sending; tag++) {
        if (tag <= published || confirmed[tag - published - 1]) continue;
        confirmed[tag - published - 1] = 1;
        outstanding--;
      }
    }
    published += (uint64_t)sending;
    if (durable && durable_sent(durable, ids, count) < 0) return 1;
    amqp_maybe_release_buffers(out);
    amqp_basic_ack(in, 1, current[count - 1].delivery_tag, 1);
    for (int i = 0; i < count; i++) amqp_destroy_envelope(&current[i]);
    relayed += (uint64_t)count;
  }
  printf("relayed %llu\n", (unsigned long long)relayed);
  fflush(stdout);
  amqp_connection_close(in, AMQP_REPLY_SUCCESS);
  amqp_connection_close(out, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(in);
  amqp_destroy_connection(out);
  free(current);
  free(next);
  free(confirmed);
  free(ids);
  free(url);
  durable_close(durable);
  return 0;
}
