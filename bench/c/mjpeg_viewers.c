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
 * The viewers, the window and the report are viewers.h's; this file parses the multipart stream.
 *
 * Build: cc -O2 -o mjpeg_viewers mjpeg_viewers.c
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum part_state { P_HEADERS, P_BOUNDARY, P_PART_HEADERS, P_BODY };

struct stream {
  enum part_state state; /* P_HEADERS until the response head ends */
  long content_length;
  long remaining;
  int64_t timestamp;
  int64_t last_timestamp;
};

#include "viewers.h"

static char boundary[256]; /* "--" + boundary, learnt from the first response */
static long repeats;       /* parts repeating the previous timestamp, in the window */

/* X-Timestamp: "1795817077.723150" (seconds, fraction) or an integer of seconds. */
static int64_t parse_timestamp(const char *v) {
  while (*v == ' ' || *v == '\t') v++;
  if (!isdigit((unsigned char)*v)) return NO_TIME;
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
  struct stream *s = &v->stream;
  int repeat = s->timestamp != NO_TIME && s->timestamp == s->last_timestamp;
  s->last_timestamp = s->timestamp;
  if (!counting) return;
  if (repeat) {
    repeats++;
    return;
  }
  count_frame(v, s->timestamp);
}

/* One complete line (CR LF stripped) in v->line; returns -1 on a protocol error. */
static int on_line(struct viewer *v) {
  struct stream *s = &v->stream;
  char *line = v->line;
  switch (s->state) {
    case P_HEADERS:
      if (line[0] == 0) {
        if (!boundary[0]) {
          fprintf(stderr, "mjpeg_viewers: no multipart boundary in the response\n");
          return -1;
        }
        s->last_timestamp = NO_TIME;
        s->state = P_BOUNDARY;
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
    case P_BOUNDARY:
      if (line[0] == 0) return 0; /* the CRLF after a body */
      if (strcmp(line, boundary) == 0) {
        s->content_length = -1;
        s->timestamp = NO_TIME;
        s->state = P_PART_HEADERS;
        return 0;
      }
      fprintf(stderr, "mjpeg_viewers: expected %s, got: %.80s\n", boundary, line);
      return -1;
    case P_PART_HEADERS:
      if (line[0] == 0) {
        if (s->content_length <= 0) {
          fprintf(stderr, "mjpeg_viewers: part without a Content-Length\n");
          return -1;
        }
        s->remaining = s->content_length;
        s->state = P_BODY;
      } else if (header_is(line, "content-length")) {
        s->content_length = strtol(line + 15, NULL, 10);
      } else if (header_is(line, "x-timestamp")) {
        s->timestamp = parse_timestamp(line + 12);
      }
      return 0;
    default:
      return -1;
  }
}

/* A part's body: as much of it as there is; 0 while v reads lines. */
static long take(struct viewer *v, const char *p, size_t n) {
  struct stream *s = &v->stream;
  (void)p;
  if (s->state != P_BODY) return 0;
  size_t bytes = (size_t)s->remaining < n ? (size_t)s->remaining : n;
  s->remaining -= bytes;
  if (s->remaining == 0) {
    end_part(v);
    s->state = P_BOUNDARY;
  }
  return (long)bytes;
}

static void print_counts(int viewers, double seconds) {
  (void)viewers;
  (void)seconds;
  printf("repeats: %ld\n", repeats);
}

int main(int argc, char **argv) {
  static const struct format mjpeg = {
      .name = "mjpeg_viewers",
      .frames = "distinct frames",
      .age = "frame age ms",
      .age_decimals = 2,
      .age_missing = "not measured (no X-Timestamp in the parts)",
      .take = take,
      .on_line = on_line,
      .print_counts = print_counts,
  };
  return run_viewers(argc, argv, &mjpeg);
}
