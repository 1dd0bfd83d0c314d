/*
 * hls_players: N HLS players, one thread, epoll: the load behind bench/hls.sh at thousands of
 * players. Written from RFC 8216 and the wire format alone, independent of socketkit's code.
 *
 *   hls_players [-n PLAYERS] [-d SECONDS] [-r RAMP_S] [-m MAX_CONNECTING]
 *               http://HOST:PORT/PATH/index.m3u8
 *
 * Each player has its own kept-alive HTTP/1.1 connection. Once a second (counted from the start of
 * its previous reload) it fetches the playlist, then, one after the other on the same connection,
 * every segment the playlist names that it has not had (by media sequence number); on its first
 * playlist it takes only the newest segment, the live edge. A segment's body is read box by box
 * (boxes.h) and never kept: its age is CLOCK_REALTIME when its last byte arrived minus the capture
 * time in the prft of its last fragment (its last picture). The first segment of each player is
 * not in the ages (it is as old as the live edge is long). Players join over RAMP_S seconds (default
 * 2), as a crowd does; at most MAX_CONNECTING (default 64) connect at once. A 404 for a segment
 * (it left the playlist) is counted and skipped; a response that says Connection: close is followed
 * by a new connection. One read() per readiness event (level-triggered), into one shared buffer.
 * Prints lines with the labels bench/hls.sh's python players use:
 *   segments per player: min A median B max C
 *   segment age at arrival: p50 X s, p95 Y s (K segments); p99 Z s, max M s
 *   requests: playlist P, segment S (404: Q), reconnects R
 *   errors: E (connect a, protocol b, closed c, status d)
 *
 * Build: cc -O2 -o hls_players hls_players.c
 */
#define _GNU_SOURCE
#include <errno.h>
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
#define MAX_PLAYLIST (64 * 1024)
#define MAX_PENDING 16
#define MAX_URI 256
#define RELOAD_US 1000000

enum state { P_WAITING, P_CONNECTING, P_SENDING, P_HEAD, P_BODY, P_DONE };

struct player {
  int fd;
  enum state state;
  int want; /* the request being made: 0 playlist, 1 segment */
  char request[MAX_URI + 256];
  size_t request_len, sent;
  char line[MAX_LINE];
  size_t line_len;
  int status, head_lines, close_after;
  long content_length, remaining;
  char *playlist; /* the playlist body, MAX_PLAYLIST bytes, allocated on first use */
  size_t playlist_len;
  struct boxes boxes;
  int64_t last_capture;
  long long last_seq; /* the newest media sequence number fetched, -1 before the first */
  char pending[MAX_PENDING][MAX_URI];
  long long pending_seq[MAX_PENDING];
  int pending_len, pending_at;
  int64_t reload_started;
  long segments;
};

struct due {
  int64_t at;
  int player;
};

static struct player *players;
static struct due *heap;
static int heap_len;
static struct addrinfo *addr;
static char host_header[300], base_path[1024], playlist_path[1024];
static int ep, connecting, max_connecting = 64;
static double *ages;
static size_t ages_len, ages_cap;
static long connect_errors, protocol_errors, closed_errors, status_errors;
static long playlist_requests, segment_requests, not_found, reconnects;

static void heap_push(int64_t at, int player) {
  int i = heap_len++;
  while (i > 0 && heap[(i - 1) / 2].at > at) {
    heap[i] = heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  heap[i].at = at;
  heap[i].player = player;
}

static struct due heap_pop(void) {
  struct due top = heap[0], last = heap[--heap_len];
  int i = 0;
  for (;;) {
    int child = 2 * i + 1;
    if (child >= heap_len) break;
    if (child + 1 < heap_len && heap[child + 1].at < heap[child].at) child++;
    if (heap[child].at >= last.at) break;
    heap[i] = heap[child];
    i = child;
  }
  if (heap_len > 0) heap[i] = last;
  return top;
}

static void record_age(double seconds) {
  if (ages_len == ages_cap) {
    ages_cap = ages_cap ? ages_cap * 2 : 1 << 16;
    ages = realloc(ages, ages_cap * sizeof *ages);
    if (!ages) die("realloc");
  }
  ages[ages_len++] = seconds < 0 ? 0 : seconds;
}

static void fail(struct player *p, long *counter) {
  (*counter)++;
  if (p->state == P_CONNECTING) connecting--;
  if (p->fd >= 0) close(p->fd);
  p->fd = -1;
  p->state = P_DONE;
}

static void hang_up(struct player *p) {
  if (p->fd >= 0) close(p->fd);
  p->fd = -1;
}

/* Starts p's request (p->request): on its connection, or on a new one. */
static void start_request(struct player *p) {
  p->sent = 0;
  p->status = 0;
  p->head_lines = 0;
  p->close_after = 0;
  p->content_length = -1;
  p->line_len = 0;
  if (p->fd >= 0) {
    p->state = P_SENDING;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = p};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, p->fd, &ev) < 0) die("epoll_ctl");
    return;
  }
  p->fd = socket(addr->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (p->fd < 0) {
    fail(p, &connect_errors);
    return;
  }
  int one = 1;
  setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(p->fd, addr->ai_addr, addr->ai_addrlen) < 0 && errno != EINPROGRESS) {
    fail(p, &connect_errors);
    return;
  }
  p->state = P_CONNECTING;
  connecting++;
  struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = p};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, p->fd, &ev) < 0) die("epoll_ctl");
}

static void make_request(struct player *p, const char *path, int want) {
  p->want = want;
  p->request_len = (size_t)snprintf(p->request, sizeof p->request,
                                    "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: hls_players\r\n\r\n",
                                    path, host_header);
  if (want == 0) {
    playlist_requests++;
    p->reload_started = now_us(CLOCK_MONOTONIC);
  } else {
    segment_requests++;
  }
  start_request(p);
}

/* The next pending segment, or wait for the next reload. */
static void next_step(struct player *p) {
  if (p->pending_at < p->pending_len) {
    char path[MAX_URI + 1024];
    const char *uri = p->pending[p->pending_at];
    if (uri[0] == '/')
      snprintf(path, sizeof path, "%s", uri);
    else
      snprintf(path, sizeof path, "%s%s", base_path, uri);
    p->last_seq = p->pending_seq[p->pending_at];
    p->pending_at++;
    make_request(p, path, 1);
    return;
  }
  p->state = P_WAITING;
  if (p->fd >= 0) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = p}; /* a close while idle shows */
    epoll_ctl(ep, EPOLL_CTL_MOD, p->fd, &ev);
  }
  heap_push(p->reload_started + RELOAD_US, (int)(p - players));
}

/* Reads the playlist in p->playlist: queues the segments newer than p->last_seq. */
static int parse_playlist(struct player *p) {
  long long seq = -1;
  int first = p->last_seq < 0;
  p->pending_len = p->pending_at = 0;
  char *text = p->playlist;
  if (!text) return -1; /* an empty playlist */
  text[p->playlist_len] = 0;
  if (strncmp(text, "#EXTM3U", 7) != 0) return -1;
  for (char *line = strtok(text, "\r\n"); line; line = strtok(NULL, "\r\n")) {
    if (strncmp(line, "#EXT-X-MEDIA-SEQUENCE:", 22) == 0) {
      seq = atoll(line + 22);
    } else if (line[0] != '#' && line[0] != 0) {
      if (seq < 0) return -1; /* a live playlist must number its segments */
      if (strncmp(line, "http", 4) == 0 || strlen(line) >= MAX_URI) return -1;
      if (seq > p->last_seq) {
        if (first) p->pending_len = 0; /* the first time, only the newest */
        if (p->pending_len < MAX_PENDING) {
          strcpy(p->pending[p->pending_len], line);
          p->pending_seq[p->pending_len++] = seq;
        }
      }
      seq++;
    }
  }
  return 0;
}

static void on_fragment(void *ctx, uint64_t bytes, int64_t capture) {
  struct player *p = ctx;
  (void)bytes;
  if (capture != BOX_NO_TIME) p->last_capture = capture;
}

/* The whole response has arrived. */
static void response_done(struct player *p) {
  if (p->close_after) {
    hang_up(p);
    reconnects++;
  }
  if (p->want == 0) {
    if (p->status != 200) {
      status_errors++;
    } else if (parse_playlist(p) < 0) {
      fail(p, &protocol_errors);
      return;
    }
  } else if (p->status == 200) {
    if (p->last_capture != BOX_NO_TIME && p->segments > 0)
      record_age((now_us(CLOCK_REALTIME) - p->last_capture) / 1e6);
    p->segments++;
  } else if (p->status == 404) {
    not_found++; /* it left the playlist before we asked */
  } else {
    status_errors++;
  }
  next_step(p);
}

static int on_line(struct player *p) {
  char *line = p->line;
  if (p->head_lines++ == 0) {
    if (strncmp(line, "HTTP/1.", 7) != 0 || strlen(line) < 12) return -1;
    p->status = atoi(line + 9);
    return 0;
  }
  if (line[0] == 0) {
    if (p->content_length < 0) return -1; /* every answer here has a length */
    p->remaining = p->content_length;
    p->playlist_len = 0;
    p->last_capture = BOX_NO_TIME;
    boxes_init(&p->boxes, 0);
    p->state = P_BODY;
    return 0;
  }
  if (header_is(line, "content-length")) {
    p->content_length = atol(line + 15);
  } else if (header_is(line, "transfer-encoding")) {
    return -1;
  } else if (header_is(line, "connection") && strcasestr(line + 11, "close")) {
    p->close_after = 1;
  }
  return 0;
}

/* Feeds one read's bytes; returns -1 on a protocol error. */
static int feed(struct player *p, const char *b, size_t n) {
  while (n > 0) {
    if (p->state == P_BODY) {
      size_t take = (size_t)p->remaining < n ? (size_t)p->remaining : n;
      if (p->want == 0 && p->status == 200) {
        if (p->playlist_len + take >= MAX_PLAYLIST) return -1;
        if (!p->playlist && !(p->playlist = malloc(MAX_PLAYLIST))) die("malloc");
        memcpy(p->playlist + p->playlist_len, b, take);
        p->playlist_len += take;
      } else if (p->want == 1 && p->status == 200) {
        if (boxes_feed(&p->boxes, (const uint8_t *)b, take, on_fragment, p) < 0) {
          fprintf(stderr, "hls_players: %s\n", p->boxes.error);
          return -1;
        }
      }
      p->remaining -= (long)take;
      b += take;
      n -= take;
      if (p->remaining == 0) {
        if (n > 0) return -1; /* bytes we did not ask for */
        response_done(p);
        return 0;
      }
      continue;
    }
    if (p->state != P_HEAD) return -1;
    char c = *b++;
    n--;
    if (c == '\n') {
      if (p->line_len > 0 && p->line[p->line_len - 1] == '\r') p->line_len--;
      p->line[p->line_len] = 0;
      p->line_len = 0;
      if (on_line(p) < 0) return -1;
      if (p->state == P_BODY && p->remaining == 0) {
        if (n > 0) return -1;
        response_done(p);
        return 0;
      }
    } else {
      if (p->line_len >= MAX_LINE - 1) return -1;
      p->line[p->line_len++] = c;
    }
  }
  return 0;
}

static void usage(void) {
  fprintf(stderr, "usage: hls_players [-n PLAYERS] [-d SECONDS] [-r RAMP_S] [-m MAX_CONNECTING] "
                  "http://HOST:PORT/PATH/index.m3u8\n");
  exit(2);
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int count = 500, opt;
  double seconds = 20, ramp = 2;
  while ((opt = getopt(argc, argv, "n:d:r:m:h")) != -1) {
    switch (opt) {
      case 'n': count = atoi(optarg); break;
      case 'd': seconds = atof(optarg); break;
      case 'r': ramp = atof(optarg); break;
      case 'm': max_connecting = atoi(optarg); break;
      default: usage();
    }
  }
  if (optind != argc - 1 || count < 1 || seconds <= 0 || ramp < 0 || max_connecting < 1) usage();

  const char *url = argv[optind];
  if (strncmp(url, "http://", 7) != 0) usage();
  char host[256], port[16] = "80";
  const char *h = url + 7, *slash = strchr(h, '/');
  size_t hostport_len = slash ? (size_t)(slash - h) : strlen(h);
  if (!slash || hostport_len == 0 || hostport_len >= sizeof host) usage();
  memcpy(host, h, hostport_len);
  host[hostport_len] = 0;
  snprintf(host_header, sizeof host_header, "%s", host);
  snprintf(playlist_path, sizeof playlist_path, "%s", slash);
  snprintf(base_path, sizeof base_path, "%s", slash);
  char *query = strchr(base_path, '?');
  if (query) *query = 0;
  strrchr(base_path, '/')[1] = 0; /* segment URIs are relative to the playlist's directory */
  char *colon = strrchr(host, ':');
  if (colon) {
    snprintf(port, sizeof port, "%s", colon + 1);
    *colon = 0;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  int rc = getaddrinfo(host, port, &hints, &addr);
  if (rc != 0) {
    fprintf(stderr, "hls_players: %s: %s\n", host, gai_strerror(rc));
    return 1;
  }
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < (rlim_t)count + 64) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  players = calloc((size_t)count, sizeof *players);
  heap = calloc((size_t)count + 1, sizeof *heap);
  char *buffer = malloc(READ_BUFFER);
  struct epoll_event *events = calloc(1024, sizeof *events);
  ep = epoll_create1(0);
  if (!players || !heap || !buffer || !events || ep < 0) die("setup");

  int64_t start = now_us(CLOCK_MONOTONIC), end = start + (int64_t)(seconds * 1e6);
  for (int i = 0; i < count; i++) {
    players[i].fd = -1;
    players[i].last_seq = -1;
    players[i].state = P_WAITING;
    heap_push(start + (int64_t)(ramp * 1e6 * i / count), i);
  }

  for (;;) {
    int64_t now = now_us(CLOCK_MONOTONIC);
    if (now >= end) break;
    while (heap_len > 0 && heap[0].at <= now) {
      if (connecting >= max_connecting && players[heap[0].player].fd < 0) {
        struct due later = heap_pop();
        heap_push(now + 10000, later.player); /* too many connecting: in 10 ms */
        break;
      }
      struct player *p = &players[heap_pop().player];
      if (p->state == P_WAITING) make_request(p, playlist_path, 0);
    }
    int64_t wait = heap_len > 0 ? heap[0].at - now : end - now;
    if (wait > end - now) wait = end - now;
    int timeout_ms = wait <= 0 ? 0 : (int)((wait + 999) / 1000);
    int n = epoll_wait(ep, events, 1024, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      struct player *p = events[i].data.ptr;
      if (p->state == P_DONE || p->fd < 0) continue;
      if (p->state == P_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
          fail(p, &connect_errors);
          continue;
        }
        connecting--;
        p->state = P_SENDING;
      }
      if (p->state == P_SENDING) {
        ssize_t w = write(p->fd, p->request + p->sent, p->request_len - p->sent);
        if (w < 0 && errno != EAGAIN) {
          fail(p, &closed_errors);
          continue;
        }
        if (w > 0) p->sent += (size_t)w;
        if (p->sent == p->request_len) {
          p->state = P_HEAD;
          struct epoll_event ev = {.events = EPOLLIN, .data.ptr = p};
          epoll_ctl(ep, EPOLL_CTL_MOD, p->fd, &ev);
        }
        continue;
      }
      ssize_t r = read(p->fd, buffer, READ_BUFFER); /* one read per readiness event */
      if (r > 0) {
        if (p->state == P_WAITING || feed(p, buffer, (size_t)r) < 0) fail(p, &protocol_errors);
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        if (p->state == P_WAITING) {
          hang_up(p); /* the server closed an idle connection: the next reload reconnects */
          reconnects++;
        } else {
          fail(p, &closed_errors);
        }
      }
    }
  }

  long *segments = calloc((size_t)count, sizeof *segments);
  for (int i = 0; i < count; i++) segments[i] = players[i].segments;
  qsort(segments, (size_t)count, sizeof *segments, cmp_long);
  printf("hls_players %s: %d players for %.1f s, joined over %.1f s\n", url, count, seconds, ramp);
  printf("segments per player: min %ld median %ld max %ld\n", segments[0], segments[count / 2],
         segments[count - 1]);
  if (ages_len > 0) {
    qsort(ages, ages_len, sizeof *ages, cmp_double);
    size_t p95 = (size_t)(ages_len * 0.95), p99 = (size_t)(ages_len * 0.99);
    if (p95 >= ages_len) p95 = ages_len - 1;
    if (p99 >= ages_len) p99 = ages_len - 1;
    printf("segment age at arrival: p50 %.2f s, p95 %.2f s (%zu segments); p99 %.2f s, max %.2f s\n",
           ages[ages_len / 2], ages[p95], ages_len, ages[p99], ages[ages_len - 1]);
  } else {
    printf("segment age at arrival: not measured (no player got a second segment)\n");
  }
  printf("requests: playlist %ld, segment %ld (404: %ld), reconnects %ld\n", playlist_requests,
         segment_requests, not_found, reconnects);
  printf("errors: %ld (connect %ld, protocol %ld, closed %ld, status %ld)\n",
         connect_errors + protocol_errors + closed_errors + status_errors, connect_errors,
         protocol_errors, closed_errors, status_errors);
  for (int i = 0; i < count; i++)
    if (players[i].fd >= 0) close(players[i].fd);
  freeaddrinfo(addr);
  return 0;
}
