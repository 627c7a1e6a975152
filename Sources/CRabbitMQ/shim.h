#ifndef HUBD_CRABBITMQ_SHIM_H
#define HUBD_CRABBITMQ_SHIM_H
#if __has_include(<rabbitmq-c/amqp.h>)          /* 0.12+ layout */
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp_socket.h>
#include <rabbitmq-c/ssl_socket.h>
#else                                            /* 0.11 (Debian 12) */
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#endif

/* amqp_login is C-variadic, which Swift cannot call. */
static inline amqp_rpc_reply_t hubd_amqp_login_plain(amqp_connection_state_t st, const char *vhost,
    int channel_max, int frame_max, int heartbeat, const char *user, const char *pw) {
  return amqp_login(st, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, pw);
}
static inline amqp_rpc_reply_t hubd_amqp_login_plain_props(amqp_connection_state_t st, const char *vhost,
    int channel_max, int frame_max, int heartbeat, const amqp_table_t *props, const char *user, const char *pw) {
  return amqp_login_with_properties(st, vhost, channel_max, frame_max, heartbeat, props,
                                    AMQP_SASL_METHOD_PLAIN, user, pw);
}
#endif
