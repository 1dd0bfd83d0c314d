/*
 * mjpeg_viewers: N viewers of an MJPEG stream (multipart/x-mixed-replace of JPEG parts), one
 * thread, epoll. An independent check on `socketkit bench mjpeg`, written from the wire format
 * alone: HTTP/1.0 GET, a multipart response whose parts carry Content-Length and X-Timestamp
 * (seconds since the epoch with a fraction, as uStreamer sends it).
 *
 *   mjpeg_viewers [-n VIEWERS] [-w WARMUP_S] [-d DURATION_S] [-m MAX_CONNECTING] [-a USER:PASS]
 *                 [-p SERVER_PID] URL
 *
 * Per viewer, a frame is a distinct X-Timestamp value; a part that repeats the previous part's
 * timestamp is counted as a repeat. Frame age is CLOCK_REALTIME (microseconds) when a part's last
 * byte has been read minus its X-Timestamp. One read() per readiness event (level-triggered), into
 * one shared buffer. Counting starts once every viewer has its first response byte (or the connect
 * phase ends) plus the warm-up, and lasts the measured window. Prints lines with fixed labels:
 *   viewers: requested N connected C
 *   fps per viewer: min X median Y max Z (F distinct frames)
 *   repeats: R
 *   frame age ms: p50 A p99 B max M
 *   errors: E (connect a, protocol b, closed c)
 *   server: cpu X% of one core, threads T        (with -p: over the window; threads at its end)
 *
 * Build: cc -O2 -o mjpeg_viewers mjpeg_viewers.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
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
#include "common.h"

#define READ_BUFFER (256 * 1024)
#define MAX_LINE 1024
#define NO_TIMESTAMP INT64_MIN

enum state { S_CONNECTING, S_STATUS, S_HEADERS, S_BOUNDARY, S_PART_HEADERS, S_BODY, S_DONE };

struct viewer {
  int fd;
  enum state state;
  size_t sent; /* request bytes written */
  int answered; /* first response byte seen */
  char line[MAX_LINE];
  size_t line_len;
  long content_length;
  long remaining;
  int64_t timestamp;
  int64_t last_timestamp;
  long frames;  /* distinct frames in the window */
  long repeats; /* parts repeating the previous timestamp, in the window */
};

static char boundary[256]; /* "--" + boundary, learnt from the first response */
static char request[2048];
static size_t request_len;
static int counting;
static int64_t *ages;
static size_t ages_len, ages_cap;
static long connect_errors, protocol_errors, closed_errors;

static void record_age(int64_t age) {
  if (ages_len == ages_cap) {
    ages_cap = ages_cap ? ages_cap * 2 : 1 << 16;
    ages = realloc(ages, ages_cap * sizeof *ages);
    if (!ages) die("realloc");
  }
  ages[ages_len++] = age < 0 ? 0 : age;
}

/* X-Timestamp: "1795817077.723150" (seconds, fraction) or an integer of seconds. */
static int64_t parse_timestamp(const char *v) {
  while (*v == ' ' || *v == '\t') v++;
  if (!isdigit((unsigned char)*v)) return NO_TIMESTAMP;
  int64_t whole = 0, fraction = 0;
  int places = 0;
  while (isdigit((unsigned char)*v)) whole = whole * 10 + (*v++ - '0');
  if (*v == '.') {
    for (v++; isdigit((unsigned char)*v); v++) {
      if (places < 6) {
        fraction = fraction * 10 + (*v - '0');
        places++;
      }
    }
  }
  for (; places < 6; places++) fraction *= 10;
  return whole * 1000000 + fraction;
}

static void end_part(struct viewer *v) {
  int repeat = v->timestamp != NO_TIMESTAMP && v->timestamp == v->last_timestamp;
  v->last_timestamp = v->timestamp;
  if (!counting) return;
  if (repeat) {
    v->repeats++;
    return;
  }
  v->frames++;
  if (v->timestamp != NO_TIMESTAMP) record_age(now_us(CLOCK_REALTIME) - v->timestamp);
}

/* One complete line (CR LF stripped) in v->line; returns -1 on a protocol error. */
static int on_line(struct viewer *v) {
  char *line = v->line;
  switch (v->state) {
    case S_STATUS:
      if (strncmp(line, "HTTP/1.", 7) != 0 || strlen(line) < 12 || strncmp(line + 9, "200", 3) != 0) {
        fprintf(stderr, "mjpeg_viewers: unexpected status: %.80s\n", line);
        return -1;
      }
      v->state = S_HEADERS;
      return 0;
    case S_HEADERS:
      if (line[0] == 0) {
        if (!boundary[0]) {
          fprintf(stderr, "mjpeg_viewers: no multipart boundary in the response\n");
          return -1;
        }
        v->state = S_BOUNDARY;
      } else if (header_is(line, "content-type")) {
        char *b = strcasestr(line, "boundary=");
        if (!b) return -1;
        b += 9;
        if (*b == '"') b++;
        size_t n = strcspn(b, "\";\t ");
        if (n >= 2 && b[0] == '-' && b[1] == '-') {
          b += 2;
          n -= 2;
        }
        if (n == 0 || n > sizeof boundary - 3) return -1;
        char found[256];
        snprintf(found, sizeof found, "--%.*s", (int)n, b);
        if (boundary[0] && strcmp(found, boundary) != 0) return -1;
        strcpy(boundary, found);
      }
      return 0;
    case S_BOUNDARY:
      if (line[0] == 0) return 0; /* the CRLF after a body */
      if (strcmp(line, boundary) == 0) {
        v->content_length = -1;
        v->timestamp = NO_TIMESTAMP;
        v->state = S_PART_HEADERS;
        return 0;
      }
      fprintf(stderr, "mjpeg_viewers: expected %s, got: %.80s\n", boundary, line);
      return -1;
    case S_PART_HEADERS:
      if (line[0] == 0) {
        if (v->content_length <= 0) {
          fprintf(stderr, "mjpeg_viewers: part without a Content-Length\n");
          return -1;
        }
        v->remaining = v->content_length;
        v->state = S_BODY;
      } else if (header_is(line, "content-length")) {
        v->content_length = strtol(line + 15, NULL, 10);
      } else if (header_is(line, "x-timestamp")) {
        v->timestamp = parse_timestamp(line + 12);
      }
      return 0;
    default:
      return -1;
  }
}

/* Feeds n bytes to v's parser; returns -1 on a protocol error. */
static int feed(struct viewer *v, const char *p, size_t n) {
  while (n > 0) {
    if (v->state == S_BODY) {
      size_t take = (size_t)v->remaining < n ? (size_t)v->remaining : n;
      v->remaining -= take;
      p += take;
      n -= take;
      if (v->remaining == 0) {
        end_part(v);
        v->state = S_BOUNDARY;
      }
      continue;
    }
    char c = *p++;
    n--;
    if (c == '\n') {
      if (v->line_len > 0 && v->line[v->line_len - 1] == '\r') v->line_len--;
      v->line[v->line_len] = 0;
      v->line_len = 0;
      if (on_line(v) < 0) return -1;
    } else {
      if (v->line_len >= MAX_LINE - 1) return -1;
      v->line[v->line_len++] = c;
    }
  }
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: mjpeg_viewers [-n VIEWERS] [-w WARMUP_S] [-d DURATION_S] [-m MAX_CONNECTING] "
          "[-a USER:PASS] [-p SERVER_PID] http://HOST:PORT/PATH\n");
  exit(2);
}

int main(int argc, char **argv) {
  int viewers = 100, max_connecting = 64, server_pid = 0;
  double warmup = 2, duration = 10;
  const char *auth = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "n:w:d:m:a:p:h")) != -1) {
    switch (opt) {
      case 'n': viewers = atoi(optarg); break;
      case 'w': warmup = atof(optarg); break;
      case 'd': duration = atof(optarg); break;
      case 'm': max_connecting = atoi(optarg); break;
      case 'a': auth = optarg; break;
      case 'p': server_pid = atoi(optarg); break;
      default: usage();
    }
  }
  if (optind != argc - 1 || viewers < 1 || max_connecting < 1 || duration <= 0 || warmup < 0) usage();

  /* http://HOST[:PORT][/PATH] */
  const char *url = argv[optind];
  if (strncmp(url, "http://", 7) != 0) usage();
  char host[256], path[1024] = "/", port[16] = "80";
  const char *h = url + 7, *slash = strchr(h, '/');
  size_t hostport_len = slash ? (size_t)(slash - h) : strlen(h);
  if (hostport_len == 0 || hostport_len >= sizeof host) usage();
  memcpy(host, h, hostport_len);
  host[hostport_len] = 0;
  if (slash) snprintf(path, sizeof path, "%s", slash);
  char *colon = strrchr(host, ':');
  if (colon) {
    snprintf(port, sizeof port, "%s", colon + 1);
    *colon = 0;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *addr;
  int rc = getaddrinfo(host, port, &hints, &addr);
  if (rc != 0) {
    fprintf(stderr, "mjpeg_viewers: %s: %s\n", host, gai_strerror(rc));
    return 1;
  }
  char authorization[600] = "";
  if (auth) {
    char encoded[520];
    if (strlen(auth) > 380) usage();
    base64(auth, encoded);
    snprintf(authorization, sizeof authorization, "Authorization: Basic %s\r\n", encoded);
  }
  request_len = (size_t)snprintf(request, sizeof request,
                                 "GET %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: mjpeg_viewers\r\n%s\r\n",
                                 path, host, port, authorization);

  /* Enough descriptors for every viewer. */
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < (rlim_t)viewers + 64) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  struct viewer *all = calloc((size_t)viewers, sizeof *all);
  char *buffer = malloc(READ_BUFFER);
  struct epoll_event *events = calloc(1024, sizeof *events);
  int ep = epoll_create1(0);
  if (!all || !buffer || !events || ep < 0) die("setup");

  int next = 0, connecting = 0, connected = 0, open_viewers = 0;
  int64_t start = now_us(CLOCK_MONOTONIC);
  int64_t connect_deadline = start + 60 * 1000000LL; /* the connect phase ends after 60 s */
  int64_t count_start = 0, count_end = 0;
  long long server_ticks = -1;

  for (;;) {
    int64_t now = now_us(CLOCK_MONOTONIC);
    /* Start more viewers while few are waiting for their first response byte. */
    while (next < viewers && connecting < max_connecting) {
      struct viewer *v = &all[next++];
      v->last_timestamp = NO_TIMESTAMP;
      v->fd = socket(addr->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (v->fd < 0) {
        connect_errors++;
        v->state = S_DONE;
        continue;
      }
      int one = 1;
      setsockopt(v->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect(v->fd, addr->ai_addr, addr->ai_addrlen) < 0 && errno != EINPROGRESS) {
        connect_errors++;
        close(v->fd);
        v->state = S_DONE;
        continue;
      }
      v->state = S_CONNECTING;
      struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = v};
      if (epoll_ctl(ep, EPOLL_CTL_ADD, v->fd, &ev) < 0) die("epoll_ctl");
      connecting++;
      open_viewers++;
    }
    if (!count_start && ((next == viewers && connecting == 0) || now >= connect_deadline)) {
      count_start = now + (int64_t)(warmup * 1e6);
      count_end = count_start + (int64_t)(duration * 1e6);
    }
    if (count_start && !counting && now >= count_start) {
      counting = 1;
      for (int i = 0; i < viewers; i++) all[i].frames = all[i].repeats = 0;
      ages_len = 0;
      if (server_pid) server_ticks = cpu_ticks(server_pid);
    }
    if (counting && now >= count_end) break;
    if (count_start && open_viewers == 0) break;

    int timeout_ms = 100;
    int n = epoll_wait(ep, events, 1024, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      struct viewer *v = events[i].data.ptr;
      if (v->state == S_DONE) continue;
      int failed = 0;
      long *error_counter = &closed_errors;
      if (v->state == S_CONNECTING || v->sent < request_len) {
        if (v->state == S_CONNECTING) {
          int err = 0;
          socklen_t len = sizeof err;
          getsockopt(v->fd, SOL_SOCKET, SO_ERROR, &err, &len);
          if (err) {
            failed = 1;
            error_counter = &connect_errors;
          } else {
            v->state = S_STATUS;
          }
        }
        if (!failed) {
          ssize_t w = write(v->fd, request + v->sent, request_len - v->sent);
          if (w > 0) v->sent += (size_t)w;
          if (w < 0 && errno != EAGAIN) {
            failed = 1;
            error_counter = &connect_errors;
          } else if (v->sent == request_len) {
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = v};
            epoll_ctl(ep, EPOLL_CTL_MOD, v->fd, &ev);
          }
        }
      } else {
        ssize_t r = read(v->fd, buffer, READ_BUFFER); /* one read per readiness event */
        if (r > 0) {
          if (!v->answered) {
            v->answered = 1;
            connecting--;
            connected++;
          }
          if (feed(v, buffer, (size_t)r) < 0) {
            failed = 1;
            error_counter = &protocol_errors;
          }
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
          failed = 1;
          error_counter = v->answered ? &closed_errors : &connect_errors;
        }
      }
      if (failed) {
        (*error_counter)++;
        if (!v->answered) connecting--;
        close(v->fd);
        v->state = S_DONE;
        open_viewers--;
      }
    }
  }

  double seconds = counting ? (now_us(CLOCK_MONOTONIC) - count_start) / 1e6 : 0;
  long long server_ticks_end = server_pid ? cpu_ticks(server_pid) : -1;
  int server_threads = server_pid ? threads_of(server_pid) : -1;
  double *fps = calloc((size_t)viewers, sizeof *fps);
  long frames = 0, repeats = 0;
  for (int i = 0; i < viewers; i++) {
    fps[i] = seconds > 0 ? all[i].frames / seconds : 0;
    frames += all[i].frames;
    repeats += all[i].repeats;
  }
  qsort(fps, (size_t)viewers, sizeof *fps, cmp_double);
  printf("mjpeg_viewers %s: %d viewers, %.1f s counted after %.1f s warm-up\n", url, viewers,
         seconds, warmup);
  printf("viewers: requested %d connected %d\n", viewers, connected);
  printf("fps per viewer: min %.1f median %.1f max %.1f (%ld distinct frames)\n", fps[0],
         fps[viewers / 2], fps[viewers - 1], frames);
  printf("repeats: %ld\n", repeats);
  if (ages_len > 0) {
    qsort(ages, ages_len, sizeof *ages, cmp_i64);
    size_t p99 = (size_t)(ages_len * 0.99);
    if (p99 >= ages_len) p99 = ages_len - 1;
    printf("frame age ms: p50 %.2f p99 %.2f max %.2f\n", ages[ages_len / 2] / 1000.0,
           ages[p99] / 1000.0, ages[ages_len - 1] / 1000.0);
  } else {
    printf("frame age ms: not measured (no X-Timestamp in the parts)\n");
  }
  printf("errors: %ld (connect %ld, protocol %ld, closed %ld)\n",
         connect_errors + protocol_errors + closed_errors, connect_errors, protocol_errors,
         closed_errors);
  if (server_pid && server_ticks >= 0 && server_ticks_end >= 0 && seconds > 0) {
    printf("server: cpu %.1f%% of one core, threads %d\n",
           100.0 * (server_ticks_end - server_ticks) / sysconf(_SC_CLK_TCK) / seconds,
           server_threads);
  }
  for (int i = 0; i < viewers; i++)
    if (all[i].state != S_DONE) close(all[i].fd);
  freeaddrinfo(addr);
  return 0;
}
