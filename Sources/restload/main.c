// hubbench's REST client: sends prepared HTTP/1.1 requests over keep-alive connections from one
// thread, as fast as the server answers or at a fixed rate, and reports what came back.
//
// A load generator on the same two cores as hubd takes CPU from it; this one spends a few
// microseconds per request, where an AsyncHTTPClient pool spends hundreds, so the scenario
// measures hubd rather than its client.
//
// Usage: restload HOST PORT CONNECTIONS REQUESTS-FILE [RATE]
// The file holds the requests back to back, each preceded by its length as a 32-bit
// little-endian integer, and each one a complete request (hubbench writes the DPoP proofs,
// which are single-use, into them). Request i is sent no earlier than i / RATE seconds after the
// start when a rate is given. Answers must carry Content-Length (hubd's do); anything else ends
// the run with an error. Prints one JSON object on stdout.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct request {
    const char *bytes;
    size_t length;
};

struct connection {
    int fd;
    long current;     // index of the request in flight, -1 when idle
    size_t sent;      // bytes of it written
    char *in;         // the answer read so far
    size_t have, capacity;
    double started;   // when the request was first written, seconds
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what) {
    fprintf(stderr, "restload: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void failWith(const char *what) {
    fprintf(stderr, "restload: %s\n", what);
    exit(1);
}

static int compareDoubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, long count, double p) {
    if (count == 0) return 0;
    long index = (long)(p / 100.0 * (count - 1) + 0.5);
    return sorted[index];
}

// The length of a complete answer at the front of `c->in`, 0 while it is incomplete, and its
// status code in `status`.
static size_t completeAnswer(struct connection *c, int *status) {
    char *end = memmem(c->in, c->have, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t headerLength = end - c->in + 4;
    if (c->have < 12 || memcmp(c->in, "HTTP/1.1 ", 9) != 0) failWith("an answer that is not HTTP/1.1");
    *status = atoi(c->in + 9);
    long contentLength = -1;
    for (char *line = memchr(c->in, '\n', headerLength); line && line < end; line = memchr(line + 1, '\n', end - line)) {
        if (strncasecmp(line + 1, "content-length:", 15) == 0) contentLength = strtol(line + 16, NULL, 10);
        if (strncasecmp(line + 1, "transfer-encoding:", 18) == 0) failWith("an answer without Content-Length");
    }
    if (contentLength < 0) failWith("an answer without Content-Length");
    size_t total = headerLength + (size_t)contentLength;
    return c->have >= total ? total : 0;
}

int main(int argc, char **argv) {
    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: restload HOST PORT CONNECTIONS REQUESTS-FILE [RATE]\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int connections = atoi(argv[3]);
    double rate = argc == 6 ? atof(argv[5]) : 0;
    if (port <= 0 || connections <= 0) failWith("port and connections must be positive");

    FILE *file = fopen(argv[4], "rb");
    if (!file) fail(argv[4]);
    if (fseek(file, 0, SEEK_END) != 0) fail("seek");
    long fileLength = ftell(file);
    rewind(file);
    char *all = malloc(fileLength > 0 ? fileLength : 1);
    if (!all || fread(all, 1, fileLength, file) != (size_t)fileLength) fail("reading the requests");
    fclose(file);
    long count = 0, capacity = 1024;
    struct request *requests = malloc(capacity * sizeof *requests);
    for (long offset = 0; offset + 4 <= fileLength;) {
        uint32_t length;
        memcpy(&length, all + offset, 4);
        offset += 4;
        if (offset + (long)length > fileLength) failWith("a truncated request in the file");
        if (count == capacity) requests = realloc(requests, (capacity *= 2) * sizeof *requests);
        requests[count++] = (struct request){all + offset, length};
        offset += length;
    }
    if (connections > count) connections = (int)count;

    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) failWith("HOST must be an IPv4 address");
    int poller = epoll_create1(0);
    if (poller < 0) fail("epoll");
    struct connection *pool = calloc(connections, sizeof *pool);
    for (int i = 0; i < connections; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) fail("connect");
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pool[i] = (struct connection){.fd = fd, .current = -1, .capacity = 64 * 1024};
        pool[i].in = malloc(pool[i].capacity);
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = i};
        if (epoll_ctl(poller, EPOLL_CTL_ADD, fd, &event) != 0) fail("epoll_ctl");
    }

    double *latencies = malloc((count > 0 ? count : 1) * sizeof *latencies);
    long next = 0, done = 0, accepted = 0, otherStatus = 0;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double start = now(), last = start;
    while (done < count) {
        // Idle connections take the next requests whose time has come.
        double t = now();
        int waitMilliseconds = -1;
        for (int i = 0; i < connections && next < count; i++) {
            struct connection *c = &pool[i];
            if (c->current >= 0) continue;
            double due = rate > 0 ? start + next / rate : t;
            if (due > t) {
                waitMilliseconds = (int)((due - t) * 1000) + 1;
                break;
            }
            c->current = next++;
            c->sent = 0;
            c->started = t;
            while (c->sent < requests[c->current].length) {
                ssize_t n = write(c->fd, requests[c->current].bytes + c->sent, requests[c->current].length - c->sent);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) fail("write");
                c->sent += n;
            }
        }
        struct epoll_event events[256];
        int ready = epoll_wait(poller, events, 256, waitMilliseconds);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) fail("epoll_wait");
        for (int e = 0; e < ready; e++) {
            struct connection *c = &pool[events[e].data.u32];
            if (c->capacity - c->have < 16 * 1024) c->in = realloc(c->in, c->capacity *= 2);
            ssize_t n = read(c->fd, c->in + c->have, c->capacity - c->have);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n < 0) fail("read");
            if (n == 0) failWith("the server closed a connection");
            c->have += n;
            int status;
            size_t length;
            while ((length = completeAnswer(c, &status)) > 0) {
                if (c->current < 0) failWith("an answer to no request");
                last = now();
                latencies[done++] = (last - c->started) * 1000;
                if (status == 202) accepted++; else otherStatus++;
                memmove(c->in, c->in + length, c->have - length);
                c->have -= length;
                c->current = -1;
            }
        }
    }
    getrusage(RUSAGE_SELF, &after);
    double cpu = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) + (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6
        + (after.ru_stime.tv_sec - before.ru_stime.tv_sec) + (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
    qsort(latencies, done, sizeof *latencies, compareDoubles);
    printf("{\"requests\":%ld,\"accepted\":%ld,\"otherStatus\":%ld,\"seconds\":%.6f,\"cpuSeconds\":%.6f,"
           "\"p50\":%.3f,\"p95\":%.3f,\"p99\":%.3f}\n",
           done, accepted, otherStatus, last - start, cpu,
           percentile(latencies, done, 50), percentile(latencies, done, 95), percentile(latencies, done, 99));
    return 0;
}
