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
 * The viewers, the window and the report are viewers.h's; this file parses the response head and
 * hands the body to boxes.h.
 *
 * Build: cc -O2 -o mp4_viewers mp4_viewers.c
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "boxes.h"

struct stream {
  int video_mp4; /* Content-Type: video/mp4 seen */
  int in_boxes;  /* the response head has ended */
  struct boxes boxes;
};

#include "viewers.h"

static long untimed; /* fragments without a prft, in the window */

static void on_fragment(void *ctx, uint64_t bytes, int64_t capture) {
  struct viewer *v = ctx;
  (void)bytes;
  if (!counting) return;
  if (capture == BOX_NO_TIME) untimed++;
  count_frame(v, capture == BOX_NO_TIME ? NO_TIME : capture);
}

/* One complete head line (CR LF stripped) in v->line; returns -1 on a protocol error. */
static int on_line(struct viewer *v) {
  struct stream *s = &v->stream;
  char *line = v->line;
  if (line[0] == 0) {
    if (!s->video_mp4) {
      fprintf(stderr, "mp4_viewers: the response is not video/mp4\n");
      return -1;
    }
    boxes_init(&s->boxes, 1);
    s->in_boxes = 1;
  } else if (header_is(line, "content-type")) {
    const char *value = line + 13;
    while (*value == ' ' || *value == '\t') value++;
    s->video_mp4 = strncasecmp(value, "video/mp4", 9) == 0;
  } else if (header_is(line, "transfer-encoding")) {
    fprintf(stderr, "mp4_viewers: Transfer-Encoding in an HTTP/1.0 response\n");
    return -1;
  }
  return 0;
}

/* After the head, every byte goes to the box reader; 0 while v reads head lines. */
static long take(struct viewer *v, const char *p, size_t n) {
  struct stream *s = &v->stream;
  if (!s->in_boxes) return 0;
  if (boxes_feed(&s->boxes, (const uint8_t *)p, n, on_fragment, v) < 0) {
    fprintf(stderr, "mp4_viewers: %s\n", s->boxes.error);
    return -1;
  }
  return (long)n;
}

static void print_counts(int viewers, double seconds) {
  printf("untimed: %ld\n", untimed);
  double rate = seconds > 0 ? bytes_counted / seconds : 0;
  printf("bytes/s: %.0f (per viewer %.0f, %.1f kbit/s)\n", rate, rate / viewers,
         rate / viewers * 8 / 1000);
}

int main(int argc, char **argv) {
  static const struct format mp4 = {
      .name = "mp4_viewers",
      .frames = "fragments",
      .age = "fragment age ms",
      .age_decimals = 3,
      .age_missing = "not measured (no prft in the stream)",
      .take = take,
      .on_line = on_line,
      .print_counts = print_counts,
  };
  return run_viewers(argc, argv, &mp4);
}
