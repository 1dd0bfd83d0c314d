/*
 * boxes.h: an incremental reader of ISO base media file format boxes (ISO/IEC 14496-12 4.2) for
 * the bench's C clients, written from the standard: a 32-bit big-endian size and a four-character
 * type, a 64-bit size after the type when the size is 1. It holds a box header (at most 16 bytes)
 * and the first 16 bytes of a prft body, nothing else: every other body is skipped.
 *
 * A media fragment is [prft] moof mdat; when the mdat's last byte has been fed, the callback gets
 * the fragment's size and the capture time of the prft before its moof (prft, 14496-12 8.16.5:
 * version/flags, reference_track_ID, 64-bit NTP timestamp, media_time), converted from NTP
 * (RFC 5905: seconds since 1900 . 32-bit fraction) to microseconds since the Unix epoch, or
 * BOX_NO_TIME when there was none. Everything static: include it in one .c file.
 */
#ifndef SOCKETKIT_BENCH_BOXES_H
#define SOCKETKIT_BENCH_BOXES_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BOX_NO_TIME INT64_MIN
#define BOX_MAX_SIZE (256ULL * 1024 * 1024) /* a box larger than this means we lost our place */
#define NTP_UNIX_OFFSET 2208988800ULL         /* seconds from 1900 to 1970 */

enum box_state { B_HEADER, B_PRFT, B_SKIP };

struct boxes {
  enum box_state state;
  int need_ftyp; /* the stream must start with ftyp (a live stream; not an HLS segment) */
  uint8_t header[16];
  int header_len;
  uint8_t prft[16];
  int prft_len;
  char type[5];
  uint64_t remaining; /* of the current box's body */
  int in_fragment;    /* a moof came, its mdat has not ended */
  uint64_t fragment_bytes;
  int64_t capture;    /* of the pending prft, microseconds since 1970 */
  long count;         /* boxes seen */
  char error[128];
};

typedef void (*box_fragment_fn)(void *ctx, uint64_t bytes, int64_t capture_us);

static void boxes_init(struct boxes *b, int need_ftyp) {
  memset(b, 0, sizeof *b);
  b->need_ftyp = need_ftyp;
  b->capture = BOX_NO_TIME;
}

static uint64_t be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t ntp_to_unix_us(uint64_t ntp) {
  int64_t seconds = (int64_t)(ntp >> 32) - (int64_t)NTP_UNIX_OFFSET;
  int64_t fraction = (int64_t)(((ntp & 0xFFFFFFFFULL) * 1000000ULL) >> 32);
  return seconds * 1000000 + fraction;
}

/* The current box's body has been read in full. */
static int box_ended(struct boxes *b, box_fragment_fn fn, void *ctx) {
  b->state = B_HEADER;
  if (strcmp(b->type, "prft") == 0) {
    if (b->prft_len < 16) {
      snprintf(b->error, sizeof b->error, "prft of %d bytes: too short", b->prft_len);
      return -1;
    }
    b->capture = ntp_to_unix_us(be64(b->prft + 8));
  } else if (strcmp(b->type, "mdat") == 0) {
    uint64_t bytes = b->fragment_bytes;
    int64_t capture = b->capture;
    b->in_fragment = 0;
    b->fragment_bytes = 0;
    b->capture = BOX_NO_TIME;
    fn(ctx, bytes, capture);
  }
  return 0;
}

/* A whole box header is in b->header; returns -1 (b->error says why) if it cannot be. */
static int box_header(struct boxes *b, uint64_t size, int header_size) {
  for (int i = 0; i < 4; i++) {
    uint8_t c = b->header[4 + i];
    if (c < 0x20 || c > 0x7e) {
      snprintf(b->error, sizeof b->error, "box type is not four characters");
      return -1;
    }
    b->type[i] = (char)c;
  }
  b->type[4] = 0;
  if (size == 0) {
    snprintf(b->error, sizeof b->error, "box '%s' runs to the end of the stream", b->type);
    return -1;
  }
  if (size < (uint64_t)header_size || size > BOX_MAX_SIZE) {
    snprintf(b->error, sizeof b->error, "box '%s' of %llu bytes", b->type, (unsigned long long)size);
    return -1;
  }
  if (b->count == 0 && b->need_ftyp && strcmp(b->type, "ftyp") != 0) {
    snprintf(b->error, sizeof b->error, "the stream starts with '%s', not 'ftyp'", b->type);
    return -1;
  }
  b->count++;
  b->header_len = 0;
  b->remaining = size - (uint64_t)header_size;
  b->state = B_SKIP;
  if (strcmp(b->type, "prft") == 0) {
    if (b->in_fragment) {
      snprintf(b->error, sizeof b->error, "prft between a moof and its mdat");
      return -1;
    }
    b->fragment_bytes = size;
    b->capture = BOX_NO_TIME;
    b->prft_len = 0;
    b->state = B_PRFT;
  } else if (strcmp(b->type, "moof") == 0) {
    if (b->in_fragment) {
      snprintf(b->error, sizeof b->error, "a second moof before an mdat");
      return -1;
    }
    b->in_fragment = 1;
    b->fragment_bytes += size;
  } else if (strcmp(b->type, "mdat") == 0) {
    if (!b->in_fragment) {
      snprintf(b->error, sizeof b->error, "mdat without a moof");
      return -1;
    }
    b->fragment_bytes += size;
  } else if (b->in_fragment) {
    b->fragment_bytes += size;
  } else {
    b->fragment_bytes = 0; /* a prft belongs to the moof right after it */
    b->capture = BOX_NO_TIME;
  }
  return 0;
}

/* Feeds n bytes; calls fn for each fragment completed. Returns -1 (b->error says why) on a box
 * that cannot be. */
static int boxes_feed(struct boxes *b, const uint8_t *p, size_t n, box_fragment_fn fn, void *ctx) {
  while (n > 0) {
    if (b->state == B_HEADER) {
      int need = b->header_len < 8 ? 8 : 16;
      size_t take = (size_t)(need - b->header_len) < n ? (size_t)(need - b->header_len) : n;
      memcpy(b->header + b->header_len, p, take);
      b->header_len += (int)take;
      p += take;
      n -= take;
      if (b->header_len < 8) continue;
      uint64_t size = be32(b->header);
      if (size == 1 && b->header_len < 16) continue; /* a 64-bit size follows the type */
      int header_size = size == 1 ? 16 : 8;
      if (size == 1) size = be64(b->header + 8);
      if (box_header(b, size, header_size) < 0) return -1;
      if (b->remaining == 0 && box_ended(b, fn, ctx) < 0) return -1;
    } else {
      size_t take = b->remaining < n ? (size_t)b->remaining : n;
      if (b->state == B_PRFT && b->prft_len < 16) {
        size_t keep = 16 - (size_t)b->prft_len < take ? 16 - (size_t)b->prft_len : take;
        memcpy(b->prft + b->prft_len, p, keep);
        b->prft_len += (int)keep;
      }
      b->remaining -= take;
      p += take;
      n -= take;
      if (b->remaining == 0 && box_ended(b, fn, ctx) < 0) return -1;
    }
  }
  return 0;
}

#endif
