/*
 * echo_server: the practical limit for the echo benchmark. One thread, epoll (level-triggered),
 * non-blocking sockets with TCP_NODELAY, a listen backlog of 1024. Each readiness event reads once
 * into a per-connection buffer and writes back what it can; what the peer has not taken yet is
 * kept and sent when the socket is writable again (reading pauses meanwhile, so nothing is lost).
 *
 *   echo_server [--port PORT]     (0, the default, picks a free port)
 *
 * Prints "listening on 127.0.0.1:PORT" once it accepts, as the socketkit and Netty peers do.
 * Build: cc -O2 -o echo_server echo_server.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER 65536
#define BACKLOG 1024

struct connection {
  int fd;
  int writing; /* registered for EPOLLOUT instead of EPOLLIN */
  size_t start, end; /* bytes read and not yet written back: buffer[start, end) */
  char buffer[BUFFER];
};

static void close_connection(int ep, struct connection *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c);
}

/* Writes what is pending; returns -1 when the connection failed. */
static int flush(int ep, struct connection *c) {
  while (c->start < c->end) {
    ssize_t w = write(c->fd, c->buffer + c->start, c->end - c->start);
    if (w < 0) {
      if (errno == EAGAIN) break;
      if (errno == EINTR) continue;
      return -1;
    }
    c->start += (size_t)w;
  }
  int pending = c->start < c->end;
  if (!pending) c->start = c->end = 0;
  if (pending != c->writing) { /* the peer reads slowly: stop reading until it caught up */
    struct epoll_event ev = {.events = pending ? EPOLLOUT : EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->writing = pending;
  }
  return 0;
}

int main(int argc, char **argv) {
  int port = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = atoi(argv[++i]);
    } else {
      fprintf(stderr, "usage: echo_server [--port PORT]\n");
      return 2;
    }
  }
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, BACKLOG) < 0) {
    perror("echo_server: bind/listen");
    return 1;
  }
  socklen_t len = sizeof addr;
  getsockname(listener, (struct sockaddr *)&addr, &len);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL marks the listener */
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
  fflush(stdout);

  struct epoll_event events[512];
  for (;;) {
    int n = epoll_wait(ep, events, 512, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("echo_server: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      struct connection *c = events[i].data.ptr;
      if (c == NULL) {
        for (;;) { /* accept everything the backlog holds */
          int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
          if (fd < 0) break;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          c = malloc(sizeof *c);
          if (!c) {
            close(fd);
            continue;
          }
          c->fd = fd;
          c->start = c->end = 0;
          c->writing = 0;
          struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
        }
        continue;
      }
      if (events[i].events & EPOLLOUT) {
        if (flush(ep, c) < 0) close_connection(ep, c);
        continue;
      }
      ssize_t r = read(c->fd, c->buffer, BUFFER);
      if (r > 0) {
        c->start = 0;
        c->end = (size_t)r;
        if (flush(ep, c) < 0) close_connection(ep, c);
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        close_connection(ep, c);
      }
    }
  }
}
