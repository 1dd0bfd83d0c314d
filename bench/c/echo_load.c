/*
 * echo_load: N connections driving an echo server, one thread, epoll. An independent check on
 * `socketkit bench echo`, written from the echo protocol alone: what a connection sends, it must
 * get back, byte for byte, in order.
 *
 *   echo_load [-c CONNECTIONS] [-s SIZE] [-d DURATION_S] [-w WARMUP_S] [-l] [-p SERVER_PID]
 *             HOST PORT
 *
 * Defaults: 100 connections, 64-byte messages, 10 s counted after 2 s of warm-up. Each connection
 * sends one message of SIZE bytes, waits for its whole echo, checks it against what it sent and
 * sends the next (pipeline 1, strict ping-pong). Every connection has its own pseudo-random
 * message, so an echo sent to the wrong connection, a lost byte or a changed one is caught (the
 * connection is counted as corrupt and closed). With -l the message is SIZE-1 printable bytes and
 * a newline, for servers that echo line by line (socketserver's StreamRequestHandler.readline());
 * without it, any byte values.
 *
 * Connects are non-blocking, at most 64 in flight at once (so that a small accept backlog does not
 * overflow into SYN retransmits); a connection counts as connected once TCP has connected, and
 * stragglers are abandoned (connect errors) after 60 s. The warm-up starts when every connection
 * is connected or has failed, and the window follows it. TCP_NODELAY on every socket. Per round
 * trip the client makes one write() of the whole message and, level-triggered, one read() per
 * readiness event into one shared buffer until the echo is whole (one read for 64 B, usually one
 * for 4 KiB); epoll_wait takes up to 1024 events per call. A short write waits for EPOLLOUT.
 * Latency is CLOCK_MONOTONIC from the write of a message to the read that completes its echo,
 * kept in a histogram with 0.1 % resolution (exact below 2.048 ms); its own CPU is
 * CLOCK_PROCESS_CPUTIME_ID over the window, the server's utime + stime from /proc/PID/stat.
 *
 * Prints the lines `socketkit bench echo` prints, with the same labels, so scripts parse both alike:
 *   echo_load HOST:PORT: N connections, S-byte messages (lines), pipeline 1, X s counted after W s warm-up
 *   round trips/s: R
 *   latency ms: p50 A p99 B max M
 *   errors: E (connect a, closed b, corrupt c); open at the end: O of N
 *   cpu: load generator G% of one core; server S% of one core      (server: with -p only)
 *
 * Build: cc -O2 -o echo_load echo_load.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

#define READ_BUFFER (256 * 1024)
#define MAX_EVENTS 1024
#define MAX_CONNECTING 64
#define CONNECT_PHASE_NS (60 * 1000000000LL)
#define MAX_SIZE (16 * 1024 * 1024)
/* Latency histogram, microseconds: exact below 2^EXACT_BITS, then 2^EXACT_BITS / 2 buckets per
 * power of two (relative error < 0.1 %), up to 2^63. */
#define EXACT_BITS 11
#define SUB_BUCKETS (1 << (EXACT_BITS - 1))
#define BUCKETS ((1 << EXACT_BITS) + 64 * SUB_BUCKETS)

enum state { CONNECTING, SENDING, RECEIVING, DONE };

struct connection {
  int fd;
  enum state state;
  unsigned char *message;
  size_t sent;     /* bytes of the current message written */
  size_t received; /* bytes of its echo read and checked */
  int64_t sent_at; /* CLOCK_MONOTONIC ns when the message's write began */
};

static size_t size = 64;
static int epfd;
static int counting;
static long long round_trips;
static long connect_errors, closed_errors, corrupt_errors;
static int connecting, alive;
static uint64_t histogram[BUCKETS];
static int64_t max_micros;

static int64_t now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int bucket_of(uint64_t micros) {
  if (micros < (1u << EXACT_BITS)) return (int)micros;
  int bits = 63 - __builtin_clzll(micros); /* >= EXACT_BITS */
  int shift = bits - (EXACT_BITS - 1);     /* keeps EXACT_BITS significant bits */
  return (1 << EXACT_BITS) + (bits - EXACT_BITS) * SUB_BUCKETS +
         (int)((micros >> shift) - SUB_BUCKETS);
}

static uint64_t lowest_in_bucket(int bucket) {
  if (bucket < (1 << EXACT_BITS)) return (uint64_t)bucket;
  int k = bucket - (1 << EXACT_BITS);
  int bits = EXACT_BITS + k / SUB_BUCKETS;
  int shift = bits - (EXACT_BITS - 1);
  return (uint64_t)(SUB_BUCKETS + k % SUB_BUCKETS) << shift;
}

static void record(int64_t nanos) {
  int64_t micros = nanos / 1000;
  if (micros < 1) micros = 1; /* as HdrHistogram-based clients record: at least 1 µs */
  histogram[bucket_of((uint64_t)micros)]++;
  if (micros > max_micros) max_micros = micros;
}

/* The smallest recorded value with at least `percentile` % of the values at or below it. */
static uint64_t percentile_micros(double percentile) {
  uint64_t total = 0;
  for (int i = 0; i < BUCKETS; i++) total += histogram[i];
  if (total == 0) return 0;
  uint64_t wanted = (uint64_t)(percentile / 100 * (double)total + 0.5);
  if (wanted < 1) wanted = 1;
  uint64_t seen = 0;
  for (int i = 0; i < BUCKETS; i++) {
    seen += histogram[i];
    if (seen >= wanted) return lowest_in_bucket(i);
  }
  return (uint64_t)max_micros;
}

static void close_connection(struct connection *c, long *error_counter) {
  if (error_counter) (*error_counter)++;
  if (c->state == CONNECTING) connecting--;
  else alive--;
  close(c->fd); /* also takes it out of the epoll set */
  c->state = DONE;
}

static void watch(struct connection *c, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
}

/* Writes what is left of the current message; on a short write waits for EPOLLOUT. */
static void send_message(struct connection *c) {
  ssize_t w = send(c->fd, c->message + c->sent, size - c->sent, MSG_NOSIGNAL);
  if (w < 0) {
    if (errno != EAGAIN && errno != EINTR) {
      close_connection(c, &closed_errors);
      return;
    }
    w = 0;
  }
  c->sent += (size_t)w;
  enum state next = c->sent == size ? RECEIVING : SENDING;
  /* While sending, read too: a large message's echo may fill the buffers before it is all out. */
  if (next != c->state) watch(c, next == RECEIVING ? EPOLLIN : EPOLLIN | EPOLLOUT);
  c->state = next;
}

static void start_message(struct connection *c, int64_t now) {
  c->sent = c->received = 0;
  c->sent_at = now;
  send_message(c);
}

/* One read: checks the bytes against the message; at its end records the round trip and sends the
 * next. The echo of a message never runs past it (pipeline 1): anything more is corrupt. */
static void receive(struct connection *c, unsigned char *buffer) {
  ssize_t r = read(c->fd, buffer, READ_BUFFER);
  if (r <= 0) {
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
    close_connection(c, &closed_errors);
    return;
  }
  size_t n = (size_t)r;
  if (n > c->sent - c->received || memcmp(buffer, c->message + c->received, n) != 0) {
    close_connection(c, &corrupt_errors);
    return;
  }
  c->received += n;
  if (c->received < size) return;
  int64_t now = now_ns(CLOCK_MONOTONIC);
  if (counting) {
    round_trips++;
    record(now - c->sent_at);
  }
  start_message(c, now);
}

static void usage(void) {
  fprintf(stderr,
          "usage: echo_load [-c CONNECTIONS] [-s SIZE] [-d DURATION_S] [-w WARMUP_S] [-l] "
          "[-p SERVER_PID] HOST PORT\n");
  exit(2);
}

/* A pseudo-random message per connection (splitmix64 seeded by its number). */
static void fill_message(unsigned char *message, int id, int lines) {
  uint64_t state = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
  for (size_t i = 0; i < size; i++) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    message[i] = lines ? (unsigned char)(' ' + z % 95) : (unsigned char)z; /* ' ' to '~' */
  }
  if (lines) message[size - 1] = '\n';
}

int main(int argc, char **argv) {
  int connections = 100, lines = 0, server_pid = 0;
  long requested_size = 64;
  double warmup = 2, duration = 10;
  int opt;
  while ((opt = getopt(argc, argv, "c:s:d:w:lp:h")) != -1) {
    switch (opt) {
      case 'c': connections = atoi(optarg); break;
      case 's': requested_size = atol(optarg); break;
      case 'd': duration = atof(optarg); break;
      case 'w': warmup = atof(optarg); break;
      case 'l': lines = 1; break;
      case 'p': server_pid = atoi(optarg); break;
      default: usage();
    }
  }
  if (optind != argc - 2 || connections < 1 || requested_size < 1 || requested_size > MAX_SIZE ||
      duration <= 0 || warmup < 0)
    usage();
  size = (size_t)requested_size;
  const char *host = argv[optind], *port = argv[optind + 1];
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *addr;
  int rc = getaddrinfo(host, port, &hints, &addr);
  if (rc != 0) {
    fprintf(stderr, "echo_load: %s: %s\n", host, gai_strerror(rc));
    return 1;
  }

  /* Enough descriptors for every connection. */
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < (rlim_t)connections + 64) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  struct connection *all = calloc((size_t)connections, sizeof *all);
  unsigned char *messages = malloc((size_t)connections * size);
  unsigned char *buffer = malloc(READ_BUFFER);
  struct epoll_event *events = calloc(MAX_EVENTS, sizeof *events);
  epfd = epoll_create1(0);
  if (!all || !messages || !buffer || !events || epfd < 0) die("echo_load: setup");

  int next = 0;
  int64_t now = now_ns(CLOCK_MONOTONIC);
  int64_t connect_deadline = now + CONNECT_PHASE_NS;
  int64_t window_start = INT64_MAX, window_end = INT64_MAX, count_start = 0;
  int64_t self_cpu_start = 0;
  long long server_ticks = -1;

  for (;;) {
    /* Start more connections while few are connecting. */
    while (next < connections && connecting < MAX_CONNECTING) {
      struct connection *c = &all[next];
      c->message = messages + (size_t)next * size;
      fill_message(c->message, ++next, lines);
      c->state = DONE;
      c->fd = socket(addr->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (c->fd < 0) { /* typically "Too many open files" */
        connect_errors++;
        continue;
      }
      int one = 1;
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect(c->fd, addr->ai_addr, addr->ai_addrlen) < 0 && errno != EINPROGRESS) {
        connect_errors++;
        close(c->fd);
        continue;
      }
      c->state = CONNECTING;
      connecting++;
      struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
      if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
    }
    if (window_start == INT64_MAX && next == connections && connecting == 0) {
      window_start = now + (int64_t)(warmup * 1e9);
      window_end = window_start + (int64_t)(duration * 1e9);
    }
    if (window_start == INT64_MAX && now >= connect_deadline) { /* abandon the stragglers */
      for (int i = 0; i < next; i++)
        if (all[i].state == CONNECTING) close_connection(&all[i], &connect_errors);
      next = connections;
      continue;
    }
    if (!counting && now >= window_start) {
      counting = 1;
      round_trips = 0;
      memset(histogram, 0, sizeof histogram);
      max_micros = 0;
      count_start = now;
      window_end = now + (int64_t)(duration * 1e9); /* the counted window is never short */
      self_cpu_start = now_ns(CLOCK_PROCESS_CPUTIME_ID);
      if (server_pid) server_ticks = cpu_ticks(server_pid);
    }
    if (now >= window_end) break;
    if (window_start != INT64_MAX && alive == 0) break; /* nothing connected, or all failed */

    int64_t until = window_start == INT64_MAX ? connect_deadline
                    : window_start > now      ? window_start
                                              : window_end;
    int64_t wait_ms = (until - now) / 1000000 + 1;
    int timeout_ms = wait_ms > 1000 ? 1000 : (int)wait_ms;
    int n = epoll_wait(epfd, events, MAX_EVENTS, timeout_ms);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      struct connection *c = events[i].data.ptr;
      switch (c->state) {
        case CONNECTING: {
          int err = 0;
          socklen_t len = sizeof err;
          getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
          if (err) {
            close_connection(c, &connect_errors);
            break;
          }
          connecting--;
          alive++;
          c->state = SENDING;
          watch(c, EPOLLIN | EPOLLOUT);
          start_message(c, now_ns(CLOCK_MONOTONIC));
          break;
        }
        case SENDING:
          if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) receive(c, buffer);
          if (c->state == SENDING && (events[i].events & EPOLLOUT)) send_message(c);
          break;
        case RECEIVING:
          receive(c, buffer);
          break;
        case DONE:
          break;
      }
    }
    now = now_ns(CLOCK_MONOTONIC);
  }

  double seconds = counting ? (now - count_start) / 1e9 : 0;
  double self_cpu =
      seconds > 0 ? (now_ns(CLOCK_PROCESS_CPUTIME_ID) - self_cpu_start) / 1e9 / seconds : 0;
  long long server_ticks_end = server_pid ? cpu_ticks(server_pid) : -1;
  int open_at_end = 0;
  for (int i = 0; i < connections; i++) {
    if (all[i].state == SENDING || all[i].state == RECEIVING) open_at_end++;
    if (all[i].state != DONE) close(all[i].fd);
  }
  printf("echo_load %s:%s: %d connections, %zu-byte messages%s, pipeline 1, %.1f s counted after "
         "%.1f s warm-up\n",
         host, port, connections, size, lines ? " (lines)" : "", seconds, warmup);
  printf("round trips/s: %.1f\n", seconds > 0 ? round_trips / seconds : 0);
  printf("latency ms: p50 %.3f p99 %.3f max %.3f\n", percentile_micros(50) / 1000.0,
         percentile_micros(99) / 1000.0, max_micros / 1000.0);
  printf("errors: %ld (connect %ld, closed %ld, corrupt %ld); open at the end: %d of %d\n",
         connect_errors + closed_errors + corrupt_errors, connect_errors, closed_errors,
         corrupt_errors, open_at_end, connections);
  if (server_pid && server_ticks >= 0 && server_ticks_end >= 0 && seconds > 0) {
    printf("cpu: load generator %.1f%% of one core; server %.1f%% of one core\n", self_cpu * 100,
           100.0 * (server_ticks_end - server_ticks) / sysconf(_SC_CLK_TCK) / seconds);
  } else {
    printf("cpu: load generator %.1f%% of one core; server not measured (give -p)\n",
           self_cpu * 100);
  }
  freeaddrinfo(addr);
  if (connect_errors == connections) {
    fprintf(stderr, "echo_load: cannot connect to %s:%s (is the echo server running?)\n", host,
            port);
    return 1;
  }
  return 0;
}
