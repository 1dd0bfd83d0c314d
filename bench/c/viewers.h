/*
 * viewers.h: what mjpeg_viewers and mp4_viewers share, everything but the parsing of their stream
 * format: the command line, the HTTP/1.0 GET, N non-blocking viewers on one level-triggered epoll
 * with one read() per readiness event into one shared buffer, the status line, the head lines,
 * the counting window, the frame ages and the report. Header-only (static), like common.h, so
 * each client still builds from its one .c file: cc -O2 -o NAME NAME.c.
 *
 * The client defines `struct stream` (its parser's state per viewer) before including this file,
 * and passes run_viewers() a `struct format`: its name, the labels of its report and its parser.
 * Once the status line is 200, each viewer's bytes go to the format's take(); whatever it does
 * not take is cut into lines (CR LF stripped) for its on_line(). The format counts a frame with
 * count_frame() and only while `counting`, so nothing it counts needs resetting when the window
 * opens.
 */
#ifndef SOCKETKIT_BENCH_VIEWERS_H
#define SOCKETKIT_BENCH_VIEWERS_H

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
#define MAX_LINE 1024
#define NO_TIME INT64_MIN /* a frame without a capture time */

enum viewer_state { V_CONNECTING, V_STATUS, V_STREAM, V_DONE };

struct viewer {
  int fd;
  enum viewer_state state;
  size_t sent;  /* request bytes written */
  int answered; /* first response byte seen */
  char line[MAX_LINE];
  size_t line_len;
  long frames; /* in the window */
  struct stream stream; /* the format's parser, from the status line's end on */
};

struct format {
  const char *name;         /* "mjpeg_viewers": usage, messages, User-Agent, report */
  const char *frames;       /* what the fps line counts: "distinct frames" */
  const char *age;          /* the label of the age line: "frame age ms" */
  int age_decimals;         /* of the age line's milliseconds */
  const char *age_missing;  /* the age line when no frame had a capture time */
  /* Takes bytes of v's stream as its parser wants them: how many (at least 1), 0 to have them
   * cut into lines for on_line, -1 on a protocol error. */
  long (*take)(struct viewer *v, const char *p, size_t n);
  /* One line after the status line, in v->line; -1 on a protocol error. */
  int (*on_line)(struct viewer *v);
  /* The report's lines between the fps line and the age line. */
  void (*print_counts)(int viewers, double seconds);
};

static int counting;
static int64_t *ages;
static size_t ages_len, ages_cap;
static long connect_errors, protocol_errors, closed_errors;
static long long bytes_counted; /* read in the window, over every viewer */

static void record_age(int64_t age) {
  if (ages_len == ages_cap) {
    ages_cap = ages_cap ? ages_cap * 2 : 1 << 16;
    ages = realloc(ages, ages_cap * sizeof *ages);
    if (!ages) die("realloc");
  }
  ages[ages_len++] = age < 0 ? 0 : age;
}

/* A frame of v complete now, captured at capture_us (CLOCK_REALTIME) or at NO_TIME. */
static void count_frame(struct viewer *v, int64_t capture_us) {
  v->frames++;
  if (capture_us != NO_TIME) record_age(now_us(CLOCK_REALTIME) - capture_us);
}

/* One complete line (CR LF stripped) in v->line; returns -1 on a protocol error. */
static int viewer_line(const struct format *f, struct viewer *v) {
  if (v->state != V_STATUS) return f->on_line(v);
  const char *line = v->line;
  if (strncmp(line, "HTTP/1.", 7) != 0 || strlen(line) < 12 || strncmp(line + 9, "200", 3) != 0) {
    fprintf(stderr, "%s: unexpected status: %.80s\n", f->name, line);
    return -1;
  }
  v->state = V_STREAM;
  return 0;
}

/* Feeds n bytes to v's parser; returns -1 on a protocol error. */
static int viewer_feed(const struct format *f, struct viewer *v, const char *p, size_t n) {
  while (n > 0) {
    if (v->state == V_STREAM) {
      long took = f->take(v, p, n);
      if (took < 0) return -1;
      if (took > 0) {
        p += took;
        n -= (size_t)took;
        continue;
      }
    }
    char c = *p++;
    n--;
    if (c == '\n') {
      if (v->line_len > 0 && v->line[v->line_len - 1] == '\r') v->line_len--;
      v->line[v->line_len] = 0;
      v->line_len = 0;
      if (viewer_line(f, v) < 0) return -1;
    } else {
      if (v->line_len >= MAX_LINE - 1) return -1;
      v->line[v->line_len++] = c;
    }
  }
  return 0;
}

static void usage(const struct format *f) {
  fprintf(stderr,
          "usage: %s [-n VIEWERS] [-w WARMUP_S] [-d DURATION_S] [-m MAX_CONNECTING] "
          "[-a USER:PASS] [-p SERVER_PID] http://HOST:PORT/PATH\n",
          f->name);
  exit(2);
}

/* The client's main: options, viewers, window, report. */
static int run_viewers(int argc, char **argv, const struct format *f) {
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
      default: usage(f);
    }
  }
  if (optind != argc - 1 || viewers < 1 || max_connecting < 1 || duration <= 0 || warmup < 0) usage(f);

  /* http://HOST[:PORT][/PATH] */
  const char *url = argv[optind];
  if (strncmp(url, "http://", 7) != 0) usage(f);
  char host[256], path[1024] = "/", port[16] = "80";
  const char *h = url + 7, *slash = strchr(h, '/');
  size_t hostport_len = slash ? (size_t)(slash - h) : strlen(h);
  if (hostport_len == 0 || hostport_len >= sizeof host) usage(f);
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
    fprintf(stderr, "%s: %s: %s\n", f->name, host, gai_strerror(rc));
    return 1;
  }
  char authorization[600] = "";
  if (auth) {
    char encoded[520];
    if (strlen(auth) > 380) usage(f);
    base64(auth, encoded);
    snprintf(authorization, sizeof authorization, "Authorization: Basic %s\r\n", encoded);
  }
  char request[2048];
  size_t request_len = (size_t)snprintf(request, sizeof request,
                                        "GET %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: %s\r\n%s\r\n",
                                        path, host, port, f->name, authorization);

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
      v->fd = socket(addr->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (v->fd < 0) {
        connect_errors++;
        v->state = V_DONE;
        continue;
      }
      int one = 1;
      setsockopt(v->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect(v->fd, addr->ai_addr, addr->ai_addrlen) < 0 && errno != EINPROGRESS) {
        connect_errors++;
        close(v->fd);
        v->state = V_DONE;
        continue;
      }
      v->state = V_CONNECTING;
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
      for (int i = 0; i < viewers; i++) all[i].frames = 0;
      ages_len = 0;
      bytes_counted = 0;
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
      if (v->state == V_DONE) continue;
      int failed = 0;
      long *error_counter = &closed_errors;
      if (v->state == V_CONNECTING || v->sent < request_len) {
        if (v->state == V_CONNECTING) {
          int err = 0;
          socklen_t len = sizeof err;
          getsockopt(v->fd, SOL_SOCKET, SO_ERROR, &err, &len);
          if (err) {
            failed = 1;
            error_counter = &connect_errors;
          } else {
            v->state = V_STATUS;
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
          if (counting) bytes_counted += r;
          if (!v->answered) {
            v->answered = 1;
            connecting--;
            connected++;
          }
          if (viewer_feed(f, v, buffer, (size_t)r) < 0) {
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
        v->state = V_DONE;
        open_viewers--;
      }
    }
  }

  double seconds = counting ? (now_us(CLOCK_MONOTONIC) - count_start) / 1e6 : 0;
  long long server_ticks_end = server_pid ? cpu_ticks(server_pid) : -1;
  int server_threads = server_pid ? threads_of(server_pid) : -1;
  double *fps = calloc((size_t)viewers, sizeof *fps);
  long frames = 0;
  for (int i = 0; i < viewers; i++) {
    fps[i] = seconds > 0 ? all[i].frames / seconds : 0;
    frames += all[i].frames;
  }
  qsort(fps, (size_t)viewers, sizeof *fps, cmp_double);
  printf("%s %s: %d viewers, %.1f s counted after %.1f s warm-up\n", f->name, url, viewers,
         seconds, warmup);
  printf("viewers: requested %d connected %d\n", viewers, connected);
  printf("fps per viewer: min %.1f median %.1f max %.1f (%ld %s)\n", fps[0], fps[viewers / 2],
         fps[viewers - 1], frames, f->frames);
  f->print_counts(viewers, seconds);
  if (ages_len > 0) {
    qsort(ages, ages_len, sizeof *ages, cmp_i64);
    size_t p99 = (size_t)(ages_len * 0.99);
    if (p99 >= ages_len) p99 = ages_len - 1;
    int d = f->age_decimals;
    printf("%s: p50 %.*f p99 %.*f max %.*f\n", f->age, d, ages[ages_len / 2] / 1000.0, d,
           ages[p99] / 1000.0, d, ages[ages_len - 1] / 1000.0);
  } else {
    printf("%s: %s\n", f->age, f->age_missing);
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
    if (all[i].state != V_DONE) close(all[i].fd);
  freeaddrinfo(addr);
  return 0;
}

#endif
