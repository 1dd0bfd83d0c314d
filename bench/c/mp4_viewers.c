/*
 * mp4_viewers: N viewers of a live fragmented-MP4 stream (the camera's /stream.mp4), one thread,
 * epoll. An independent check on `socketkit bench mp4`, written from the wire format alone: an
 * HTTP/1.0 GET, a 200 response with Content-Type video/mp4 and no length, then ISO base media
 * boxes (boxes.h): ftyp, moov, then per picture an optional prft, a moof and an mdat.
 *
 *   mp4_viewers [-n VIEWERS] [-w WARMUP_S] [-d DURATION_S] [-m MAX_CONNECTING] [-a USER:PASS]
 *               [-p SERVER_PID] URL
 *
 * Per viewer, a frame is a fragment (moof + mdat) whose last byte has arrived. Fragment age is
 * CLOCK_REALTIME (microseconds) at that moment minus the capture time of the prft before the moof.
 * One read() per readiness event (level-triggered), into one shared buffer. Counting starts once
 * every viewer has its first response byte (or the connect phase ends) plus the warm-up, and lasts
 * the measured window. Prints lines with the labels mjpeg_viewers and bench mp4 use:
 *   viewers: requested N connected C
 *   fps per viewer: min X median Y max Z (F fragments)
 *   untimed: U                                    (fragments without a prft)
 *   bytes/s: T (per viewer B, K kbit/s)
 *   fragment age ms: p50 A p99 B max M
 *   errors: E (connect a, protocol b, closed c)
 *   server: cpu X% of one core, threads T        (with -p: over the window; threads at its end)
 *
 * Build: cc -O2 -o mp4_viewers mp4_viewers.c
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

#include "boxes.h"
#include "common.h"

#define READ_BUFFER (256 * 1024)
#define MAX_LINE 1024

enum state { S_CONNECTING, S_STATUS, S_HEADERS, S_BOXES, S_DONE };

struct viewer {
  int fd;
  enum state state;
  size_t sent; /* request bytes written */
  int answered; /* first response byte seen */
  int video_mp4; /* Content-Type: video/mp4 seen */
  char line[MAX_LINE];
  size_t line_len;
  struct boxes boxes;
  long frames; /* fragments in the window */
};

static char request[2048];
static size_t request_len;
static int counting;
static int64_t *ages;
static size_t ages_len, ages_cap;
static long connect_errors, protocol_errors, closed_errors, untimed;
static long long bytes_counted;

static void record_age(int64_t age) {
  if (ages_len == ages_cap) {
    ages_cap = ages_cap ? ages_cap * 2 : 1 << 16;
    ages = realloc(ages, ages_cap * sizeof *ages);
    if (!ages) die("realloc");
  }
  ages[ages_len++] = age < 0 ? 0 : age;
}

static void on_fragment(void *ctx, uint64_t bytes, int64_t capture) {
  struct viewer *v = ctx;
  (void)bytes;
  if (!counting) return;
  v->frames++;
  if (capture == BOX_NO_TIME) {
    untimed++;
    return;
  }
  record_age(now_us(CLOCK_REALTIME) - capture);
}

/* One complete head line (CR LF stripped) in v->line; returns -1 on a protocol error. */
static int on_line(struct viewer *v) {
  char *line = v->line;
  if (v->state == S_STATUS) {
    if (strncmp(line, "HTTP/1.", 7) != 0 || strlen(line) < 12 || strncmp(line + 9, "200", 3) != 0) {
      fprintf(stderr, "mp4_viewers: unexpected status: %.80s\n", line);
      return -1;
    }
    v->state = S_HEADERS;
    return 0;
  }
  if (line[0] == 0) {
    if (!v->video_mp4) {
      fprintf(stderr, "mp4_viewers: the response is not video/mp4\n");
      return -1;
    }
    boxes_init(&v->boxes, 1);
    v->state = S_BOXES;
  } else if (header_is(line, "content-type")) {
    const char *value = line + 13;
    while (*value == ' ' || *value == '\t') value++;
    v->video_mp4 = strncasecmp(value, "video/mp4", 9) == 0;
  } else if (header_is(line, "transfer-encoding")) {
    fprintf(stderr, "mp4_viewers: Transfer-Encoding in an HTTP/1.0 response\n");
    return -1;
  }
  return 0;
}

/* Feeds n bytes to v's parser; returns -1 on a protocol error. */
static int feed(struct viewer *v, const char *p, size_t n) {
  while (n > 0) {
    if (v->state == S_BOXES) {
      if (boxes_feed(&v->boxes, (const uint8_t *)p, n, on_fragment, v) < 0) {
        fprintf(stderr, "mp4_viewers: %s\n", v->boxes.error);
        return -1;
      }
      return 0;
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
          "usage: mp4_viewers [-n VIEWERS] [-w WARMUP_S] [-d DURATION_S] [-m MAX_CONNECTING] "
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
    fprintf(stderr, "mp4_viewers: %s: %s\n", host, gai_strerror(rc));
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
                                 "GET %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: mp4_viewers\r\n%s\r\n",
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
      for (int i = 0; i < viewers; i++) all[i].frames = 0;
      ages_len = 0;
      untimed = 0;
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
          if (counting) bytes_counted += r;
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
  long frames = 0;
  for (int i = 0; i < viewers; i++) {
    fps[i] = seconds > 0 ? all[i].frames / seconds : 0;
    frames += all[i].frames;
  }
  qsort(fps, (size_t)viewers, sizeof *fps, cmp_double);
  printf("mp4_viewers %s: %d viewers, %.1f s counted after %.1f s warm-up\n", url, viewers,
         seconds, warmup);
  printf("viewers: requested %d connected %d\n", viewers, connected);
  printf("fps per viewer: min %.1f median %.1f max %.1f (%ld fragments)\n", fps[0],
         fps[viewers / 2], fps[viewers - 1], frames);
  printf("untimed: %ld\n", untimed);
  double rate = seconds > 0 ? bytes_counted / seconds : 0;
  printf("bytes/s: %.0f (per viewer %.0f, %.1f kbit/s)\n", rate, rate / viewers,
         rate / viewers * 8 / 1000);
  if (ages_len > 0) {
    qsort(ages, ages_len, sizeof *ages, cmp_i64);
    size_t p99 = (size_t)(ages_len * 0.99);
    if (p99 >= ages_len) p99 = ages_len - 1;
    printf("fragment age ms: p50 %.3f p99 %.3f max %.3f\n", ages[ages_len / 2] / 1000.0,
           ages[p99] / 1000.0, ages[ages_len - 1] / 1000.0);
  } else {
    printf("fragment age ms: not measured (no prft in the stream)\n");
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
