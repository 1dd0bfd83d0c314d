/*
 * What the bench's C clients share (mjpeg_viewers, mp4_viewers, hls_players, echo_load): clocks,
 * the CPU and threads of a process from /proc, fatal errors, Basic credentials, header names and
 * the comparators for percentiles. Header-only (static inline), so each client still builds
 * from its one .c file: cc -O2 -o NAME NAME.c.
 */
#ifndef SOCKETKIT_BENCH_COMMON_H
#define SOCKETKIT_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static inline int64_t now_us(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* utime + stime of a process in clock ticks, from /proc/PID/stat; -1 if unreadable. */
static inline long long cpu_ticks(int pid) {
  char path[64], text[4096];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  char *p = strrchr(text, ')'); /* the command name may hold spaces */
  if (!p) return -1;
  unsigned long long utime, stime;
  /* after ")": state(3) ... utime is field 14, stime 15 */
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
    return -1;
  return (long long)(utime + stime);
}

static inline int threads_of(int pid) {
  char path[64], line[256];
  int threads = -1;
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "Threads: %d", &threads) == 1) break;
  fclose(f);
  return threads;
}

static inline void die(const char *what) {
  perror(what);
  exit(1);
}

static inline void base64(const char *in, char *out) {
  static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t n = strlen(in), i;
  char *o = out;
  for (i = 0; i + 2 < n; i += 3) {
    uint32_t v = ((uint8_t)in[i] << 16) | ((uint8_t)in[i + 1] << 8) | (uint8_t)in[i + 2];
    *o++ = table[v >> 18];
    *o++ = table[(v >> 12) & 63];
    *o++ = table[(v >> 6) & 63];
    *o++ = table[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = (uint8_t)in[i] << 16;
    *o++ = table[v >> 18];
    *o++ = table[(v >> 12) & 63];
    *o++ = '=';
    *o++ = '=';
  } else if (n - i == 2) {
    uint32_t v = ((uint8_t)in[i] << 16) | ((uint8_t)in[i + 1] << 8);
    *o++ = table[v >> 18];
    *o++ = table[(v >> 12) & 63];
    *o++ = table[(v >> 6) & 63];
    *o++ = '=';
  }
  *o = 0;
}

static inline int header_is(const char *line, const char *name) {
  size_t n = strlen(name);
  return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

static inline int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static inline int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#endif
