/*
 * crelay: hubbench's baseline, the plainest hop rabbitmq-c allows. It consumes from one queue
 * with manual acknowledgements, republishes each batch persistently with publisher confirms,
 * and acknowledges the batch (one multiple-ack) once the broker has confirmed all of it.
 * A batch is everything that has arrived while the last one was confirmed, up to the limit,
 * so it batches the way hubd does. No threads, no copies beyond rabbitmq-c's own.
 *
 * Usage: crelay AMQP-URL FROM-QUEUE TO-QUEUE [BATCH]
 * Runs until SIGTERM or SIGINT, then prints "relayed N" and exits 0; exits 1 on any error.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

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

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: crelay AMQP-URL FROM-QUEUE TO-QUEUE [BATCH]\n");
    return 2;
  }
  int batch = argc > 4 ? atoi(argv[4]) : 1000;
  if (batch < 1) batch = 1;
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

  amqp_envelope_t *envelopes = calloc((size_t)batch, sizeof(amqp_envelope_t));
  amqp_bytes_t target = amqp_cstring_bytes(argv[3]);
  uint64_t published = 0, relayed = 0;
  while (!stopping) {
    /* Wait briefly for the first message, so a stop request is noticed; then take whatever
       has already arrived without waiting. */
    int count = 0;
    struct timeval wait = {0, 100000};
    while (count < batch) {
      struct timeval none = {0, 0};
      amqp_maybe_release_buffers(in);
      amqp_rpc_reply_t reply = amqp_consume_message(in, &envelopes[count], count == 0 ? &wait : &none, 0);
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) break;
      die_reply("consume", reply);
      count++;
    }
    if (count == 0) continue;
    for (int i = 0; i < count; i++) {
      amqp_basic_properties_t properties = envelopes[i].message.properties;
      properties._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
      properties.delivery_mode = 2;
      if (amqp_basic_publish(out, 1, amqp_empty_bytes, target, 0, 0, &properties, envelopes[i].message.body) != AMQP_STATUS_OK) {
        fprintf(stderr, "crelay: publish failed\n");
        return 1;
      }
    }
    uint64_t last = published + (uint64_t)count, confirmed = published;
    while (confirmed < last) {
      amqp_frame_t frame;
      if (amqp_simple_wait_frame(out, &frame) != AMQP_STATUS_OK) {
        fprintf(stderr, "crelay: lost the publisher connection\n");
        return 1;
      }
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        amqp_basic_ack_t *ack = frame.payload.method.decoded;
        confirmed = ack->multiple ? ack->delivery_tag : confirmed + 1;
      } else {
        fprintf(stderr, "crelay: the broker refused a publish (method 0x%08x)\n", frame.payload.method.id);
        return 1;
      }
    }
    published = last;
    amqp_maybe_release_buffers(out);
    amqp_basic_ack(in, 1, envelopes[count - 1].delivery_tag, 1);
    for (int i = 0; i < count; i++) amqp_destroy_envelope(&envelopes[i]);
    relayed += (uint64_t)count;
  }
  printf("relayed %llu\n", (unsigned long long)relayed);
  fflush(stdout);
  amqp_connection_close(in, AMQP_REPLY_SUCCESS);
  amqp_connection_close(out, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(in);
  amqp_destroy_connection(out);
  free(envelopes);
  free(url);
  return 0;
}
