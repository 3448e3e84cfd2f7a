/*
** server/http.c: HTTP/1.1 connections on libuv, parsed by llhttp (see http.h).
**
** One struct conn per TCP connection. llhttp hands us the URL, header names and
** values and the body in pieces; we copy them into the connection's buffers
** (so one static read buffer serves every connection), and when a message is
** complete we call the handler and queue its answer. Answers are queued in
** request order, which is what HTTP/1.1 pipelining needs.
*/
#include "http.h"

#include "buf.h"

#include <llhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Stop reading from a connection while this much of its output is unsent. */
#define HTTP_WRITE_BACKLOG (4u * 1024 * 1024)
/* After refusing a request mid-body we keep reading (and dropping) up to this
** much, so a client still sending its body gets our answer instead of EPIPE. */
#define HTTP_DRAIN_MAX (64u * 1024 * 1024)
/* How long shutdown waits for half-received requests before closing anyway. */
#define HTTP_SHUTDOWN_GRACE_MS 5000

static void buf_push_nul(struct buf *b) {
  buf_append(b, "", 0);
  b->len++; /* keep the NUL written by buf_append as a separator */
}

/* Buffers bigger than this are released after each request, so an idle
** connection stays small. */
#define HTTP_KEEP_BUF 65536

enum hdr_state { HS_NONE, HS_FIELD, HS_VALUE };

/* A response waiting for http_server_release(). */
struct held {
  struct held *next;
  char *head, *body;
  size_t head_len, body_len;
};

struct conn {
  uv_tcp_t tcp;
  struct http_server *srv;
  struct conn *prev, *next;
  llhttp_t parser;
  struct buf url, hdr, body;
  size_t hdr_name[HTTP_MAX_HEADERS], hdr_value[HTTP_MAX_HEADERS];
  size_t nhdr;
  enum hdr_state hstate;
  int in_message;   /* between message begin and complete */
  int reject;       /* status already sent for this message (413/431/400) */
  int close_after;  /* close once every queued write is done */
  int closing;      /* uv_close called */
  int reading;
  int draining;     /* refused mid-body: discard input until the peer closes */
  size_t drained;   /* bytes discarded so far */
  size_t pending_writes;
  struct held *held_head, *held_tail;
  struct conn *held_next; /* in the server's list of connections holding */
  char peer[64];
};

struct http_server {
  uv_loop_t *loop;
  uv_tcp_t listener;
  int listener_open;
  int port;
  http_handler_fn *handler;
  void *ctx;
  llhttp_settings_t settings;
  struct conn *conns;
  size_t nconns;
  struct conn *holding; /* connections with held responses */
  int shutting_down;
  uv_timer_t grace;
  int grace_open;
  void (*done)(void *);
  void *done_arg;
};

struct write_req {
  uv_write_t w;
  struct conn *c;
  char *head;
  char *body;
  size_t len;
};

static void conn_close(struct conn *c);
static void conn_maybe_finish(struct conn *c);
static void conn_start_reading(struct conn *c);

/*------------------------------- Responses ---------------------------------*/

const char *http_header_get(const struct http_request *req, const char *name) {
  for (size_t i = 0; i < req->nheaders; i++)
    if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
  return NULL;
}

void http_response_header(struct http_response *resp, const char *name, const char *value) {
  if (resp->nheaders >= HTTP_MAX_RESPONSE_HEADERS) return;
  resp->headers[resp->nheaders].name = name;
  resp->headers[resp->nheaders].value = strdup(value);
  resp->nheaders++;
}

static const char *status_text(int status) {
  switch (status) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 413: return "Request Entity Too Large";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}

static void on_write(uv_write_t *w, int status) {
  struct write_req *wr = (struct write_req *)w;
  struct conn *c = wr->c;
  free(wr->head);
  free(wr->body);
  free(wr);
  c->pending_writes--;
  if (status < 0) {
    conn_close(c);
    return;
  }
  if (!c->reading && !c->close_after && c->tcp.write_queue_size < HTTP_WRITE_BACKLOG / 2)
    conn_start_reading(c);
  conn_maybe_finish(c);
}

/* Write head+body now; takes ownership of both. */
static void conn_write(struct conn *c, char *head, size_t head_len, char *body, size_t body_len) {
  if (c->closing) {
    free(head);
    free(body);
    return;
  }
  struct write_req *wr = calloc(1, sizeof *wr);
  if (!wr) abort();
  wr->c = c;
  wr->head = head;
  wr->body = body;
  uv_buf_t bufs[2] = {uv_buf_init(head, (unsigned)head_len),
                      uv_buf_init(body ? body : "", (unsigned)body_len)};
  c->pending_writes++;
  int rc = uv_write(&wr->w, (uv_stream_t *)&c->tcp, bufs, body_len ? 2 : 1, on_write);
  if (rc < 0) {
    c->pending_writes--;
    free(wr->head);
    free(wr->body);
    free(wr);
    conn_close(c);
    return;
  }
  if (c->tcp.write_queue_size > HTTP_WRITE_BACKLOG && c->reading && !c->draining) {
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
  }
}

/* Queue resp on c; takes ownership of resp->body and header values. A held
** response, and anything after it on the same connection, waits for
** http_server_release() so answers stay in request order. */
static void conn_send(struct conn *c, struct http_response *resp) {
  /* Built by hand: this runs for every answer, and snprintf was a visible
  ** share of a GetItem's cost. */
  struct buf head = {0};
  buf_append(&head, "HTTP/1.1 ", 9);
  buf_uint(&head, (unsigned)resp->status);
  buf_append(&head, " ", 1);
  const char *text = status_text(resp->status);
  buf_append(&head, text, strlen(text));
  buf_append(&head, "\r\n", 2);
  for (size_t i = 0; i < resp->nheaders; i++) {
    buf_append(&head, resp->headers[i].name, strlen(resp->headers[i].name));
    buf_append(&head, ": ", 2);
    buf_append(&head, resp->headers[i].value, strlen(resp->headers[i].value));
    buf_append(&head, "\r\n", 2);
    free((char *)resp->headers[i].value);
  }
  resp->nheaders = 0;
  if (resp->content_type) {
    buf_append(&head, "Content-Type: ", 14);
    buf_append(&head, resp->content_type, strlen(resp->content_type));
    buf_append(&head, "\r\n", 2);
  }
  buf_append(&head, "Content-Length: ", 16);
  buf_uint(&head, resp->body_len);
  buf_append(&head, "\r\n", 2);
  if (c->close_after) buf_append(&head, "Connection: close\r\n", 19);
  buf_append(&head, "\r\n", 2);
  char *body = resp->body;
  resp->body = NULL;

  if (resp->hold || c->held_head) {
    struct held *h = calloc(1, sizeof *h);
    if (!h) abort();
    h->head = head.p;
    h->head_len = head.len;
    h->body = body;
    h->body_len = resp->body_len;
    if (c->held_tail) c->held_tail->next = h;
    else {
      c->held_head = h;
      c->held_next = c->srv->holding;
      c->srv->holding = c;
    }
    c->held_tail = h;
    return;
  }
  conn_write(c, head.p, head.len, body, resp->body_len);
}

static void conn_drop_held(struct conn *c) {
  for (struct held *h = c->held_head, *next; h; h = next) {
    next = h->next;
    free(h->head);
    free(h->body);
    free(h);
  }
  c->held_head = c->held_tail = NULL;
}

void http_server_release(struct http_server *s, int ok) {
  struct conn *c = s->holding;
  s->holding = NULL;
  while (c) {
    struct conn *next = c->held_next;
    c->held_next = NULL;
    struct held *h = c->held_head;
    c->held_head = c->held_tail = NULL;
    while (h) {
      struct held *hn = h->next;
      if (ok) conn_write(c, h->head, h->head_len, h->body, h->body_len);
      else {
        free(h->head);
        free(h->body);
      }
      free(h);
      h = hn;
    }
    if (!ok) conn_close(c);
    else conn_maybe_finish(c);
    c = next;
  }
}

int http_server_has_held(const struct http_server *s) { return s->holding != NULL; }

/* A protocol-level refusal (bad HTTP, too large): answer and close. */
static void conn_refuse(struct conn *c, int status) {
  struct http_response resp = {.status = status};
  c->reject = 1;
  c->close_after = 1;
  if (status == 413) c->draining = 1;
  conn_send(c, &resp);
}

/*------------------------------ llhttp hooks -------------------------------*/

static struct conn *conn_of(llhttp_t *p) { return (struct conn *)p->data; }

static int on_message_begin(llhttp_t *p) {
  struct conn *c = conn_of(p);
  c->in_message = 1;
  c->reject = 0;
  c->nhdr = 0;
  c->hstate = HS_NONE;
  buf_reset(&c->url, HTTP_KEEP_BUF);
  buf_reset(&c->hdr, HTTP_KEEP_BUF);
  buf_reset(&c->body, HTTP_KEEP_BUF);
  return 0;
}

static int headers_too_big(struct conn *c, size_t more) {
  return c->url.len + c->hdr.len + more > HTTP_MAX_HEADER_BYTES;
}

static int on_url(llhttp_t *p, const char *at, size_t n) {
  struct conn *c = conn_of(p);
  if (headers_too_big(c, n)) {
    conn_refuse(c, 431);
    return HPE_USER;
  }
  buf_append(&c->url, at, n);
  return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t n) {
  struct conn *c = conn_of(p);
  if (headers_too_big(c, n)) {
    conn_refuse(c, 431);
    return HPE_USER;
  }
  if (c->hstate != HS_FIELD) {
    if (c->hstate == HS_VALUE) buf_push_nul(&c->hdr);
    if (c->nhdr == HTTP_MAX_HEADERS) {
      conn_refuse(c, 431);
      return HPE_USER;
    }
    c->hdr_name[c->nhdr++] = c->hdr.len;
    c->hstate = HS_FIELD;
  }
  buf_append(&c->hdr, at, n);
  return 0;
}

static int on_header_value(llhttp_t *p, const char *at, size_t n) {
  struct conn *c = conn_of(p);
  if (headers_too_big(c, n)) {
    conn_refuse(c, 431);
    return HPE_USER;
  }
  if (c->hstate != HS_VALUE) {
    buf_push_nul(&c->hdr);
    c->hdr_value[c->nhdr - 1] = c->hdr.len;
    c->hstate = HS_VALUE;
  }
  buf_append(&c->hdr, at, n);
  return 0;
}

static int on_headers_complete(llhttp_t *p) {
  struct conn *c = conn_of(p);
  if (c->hstate == HS_VALUE) buf_push_nul(&c->hdr);
  if (c->hstate == HS_FIELD) { /* a name without a value */
    buf_push_nul(&c->hdr);
    c->hdr_value[c->nhdr - 1] = c->hdr.len - 1;
  }
  c->hstate = HS_NONE;
  if ((p->flags & F_CONTENT_LENGTH) && p->content_length > HTTP_MAX_BODY) {
    conn_refuse(c, 413);
    return HPE_USER;
  }
  return 0;
}

static int on_body(llhttp_t *p, const char *at, size_t n) {
  struct conn *c = conn_of(p);
  if (c->body.len + n > HTTP_MAX_BODY) {
    conn_refuse(c, 413);
    return HPE_USER;
  }
  buf_append(&c->body, at, n);
  return 0;
}

static int on_message_complete(llhttp_t *p) {
  struct conn *c = conn_of(p);
  struct http_server *s = c->srv;
  struct http_request req;
  req.method = llhttp_method_name((llhttp_method_t)p->method);
  req.url = c->url.p ? c->url.p : "/";
  req.nheaders = c->nhdr;
  for (size_t i = 0; i < c->nhdr; i++) {
    req.headers[i].name = c->hdr.p + c->hdr_name[i];
    char *v = c->hdr.p + c->hdr_value[i];
    while (*v == ' ' || *v == '\t') v++;
    size_t len = strlen(v);
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) v[--len] = 0;
    req.headers[i].value = v;
  }
  req.body = c->body.p ? c->body.p : "";
  req.body_len = c->body.len;
  req.peer = c->peer;

  if (!llhttp_should_keep_alive(p) || s->shutting_down) c->close_after = 1;
  struct http_response resp = {.status = 200};
  s->handler(s->ctx, &req, &resp);
  conn_send(c, &resp);
  c->in_message = 0;
  buf_reset(&c->body, HTTP_KEEP_BUF);
  return c->close_after ? HPE_PAUSED : 0;
}

/*------------------------------- Connections -------------------------------*/

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *out) {
  /* All connections share one buffer: data is copied out before returning. */
  static char readbuf[65536];
  (void)h;
  (void)suggested;
  *out = uv_buf_init(readbuf, sizeof readbuf);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  struct conn *c = stream->data;
  if (nread < 0) {
    conn_close(c);
    return;
  }
  if (c->draining) {
    c->drained += (size_t)nread;
    if (c->drained > HTTP_DRAIN_MAX) conn_close(c);
    return;
  }
  if (nread == 0 || c->close_after) return;
  llhttp_errno_t err = llhttp_execute(&c->parser, buf->base, (size_t)nread);
  if (err == HPE_OK) return;
  if (err == HPE_PAUSED || err == HPE_USER) {
    /* Paused: we are closing after the queued answer. User: refused above. */
    c->close_after = 1;
    if (c->reading && !c->draining) {
      uv_read_stop(stream);
      c->reading = 0;
    }
    conn_maybe_finish(c);
    return;
  }
  conn_refuse(c, 400);
  if (c->reading) {
    uv_read_stop(stream);
    c->reading = 0;
  }
}

static void conn_start_reading(struct conn *c) {
  if (c->closing || c->reading) return;
  if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = 1;
}

static void on_conn_closed(uv_handle_t *h) {
  struct conn *c = h->data;
  struct http_server *s = c->srv;
  if (c->prev) c->prev->next = c->next;
  else s->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  s->nconns--;
  free(c->url.p);
  free(c->hdr.p);
  free(c->body.p);
  free(c);
  if (s->shutting_down && s->nconns == 0 && !s->listener_open) {
    if (s->grace_open) {
      uv_close((uv_handle_t *)&s->grace, NULL);
      s->grace_open = 0;
    }
    if (s->done) s->done(s->done_arg);
    s->done = NULL;
  }
}

static void conn_close(struct conn *c) {
  if (c->closing) return;
  c->closing = 1;
  if (c->held_head) {
    /* Unlink from the server's holding list. */
    for (struct conn **pp = &c->srv->holding; *pp; pp = &(*pp)->held_next)
      if (*pp == c) {
        *pp = c->held_next;
        break;
      }
    conn_drop_held(c);
  }
  uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

/* Close c if it has nothing left to do and should not stay open. */
static void on_shutdown(uv_shutdown_t *req, int status) {
  (void)status;
  free(req);
}

static void conn_maybe_finish(struct conn *c) {
  if (c->closing || c->pending_writes || c->held_head) return;
  if (c->draining && !c->srv->shutting_down) {
    /* Answer sent: send FIN, and let the peer's close (or the cap) end it. */
    if (c->draining == 1) {
      c->draining = 2;
      uv_shutdown_t *req = calloc(1, sizeof *req);
      if (!req || uv_shutdown(req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        free(req);
        conn_close(c);
      }
    }
    return;
  }
  if (c->close_after || (c->srv->shutting_down && !c->in_message)) conn_close(c);
}

static void on_connection(uv_stream_t *server, int status) {
  struct http_server *s = server->data;
  if (status < 0 || s->shutting_down) return;
  struct conn *c = calloc(1, sizeof *c);
  if (!c) abort();
  c->srv = s;
  uv_tcp_init(s->loop, &c->tcp);
  c->tcp.data = c;
  c->next = s->conns;
  if (s->conns) s->conns->prev = c;
  s->conns = c;
  s->nconns++;
  if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
    conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  struct sockaddr_storage ss;
  int len = sizeof ss;
  char ip[48] = "?";
  int port = 0;
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
    if (ss.ss_family == AF_INET) {
      uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
  }
  snprintf(c->peer, sizeof c->peer, "%s:%d", ip, port);
  llhttp_init(&c->parser, HTTP_REQUEST, &s->settings);
  c->parser.data = c;
  conn_start_reading(c);
}

/*--------------------------------- Server ----------------------------------*/

struct http_server *http_server_start(uv_loop_t *loop, const char *host, int port,
                                      http_handler_fn *handler, void *ctx, char *errbuf,
                                      size_t errlen) {
  struct sockaddr_storage addr;
  if (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
      uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0) {
    snprintf(errbuf, errlen, "invalid listen address '%s'", host);
    return NULL;
  }
  struct http_server *s = calloc(1, sizeof *s);
  if (!s) abort();
  s->loop = loop;
  s->handler = handler;
  s->ctx = ctx;
  llhttp_settings_init(&s->settings);
  s->settings.on_message_begin = on_message_begin;
  s->settings.on_url = on_url;
  s->settings.on_header_field = on_header_field;
  s->settings.on_header_value = on_header_value;
  s->settings.on_headers_complete = on_headers_complete;
  s->settings.on_body = on_body;
  s->settings.on_message_complete = on_message_complete;

  uv_tcp_init(loop, &s->listener);
  s->listener.data = s;
  s->listener_open = 1;
  int rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&addr, 0);
  if (rc == 0) rc = uv_listen((uv_stream_t *)&s->listener, 1024, on_connection);
  if (rc != 0) {
    snprintf(errbuf, errlen, "cannot listen on %s:%d: %s", host, port, uv_strerror(rc));
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_run(loop, UV_RUN_NOWAIT); /* let the close finish before freeing */
    free(s);
    return NULL;
  }
  struct sockaddr_storage bound;
  int len = sizeof bound;
  uv_tcp_getsockname(&s->listener, (struct sockaddr *)&bound, &len);
  s->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                              : ((struct sockaddr_in *)&bound)->sin_port);
  return s;
}

int http_server_port(const struct http_server *s) { return s->port; }

static void on_listener_closed(uv_handle_t *h) {
  struct http_server *s = h->data;
  s->listener_open = 0;
  if (s->nconns == 0) {
    if (s->grace_open) {
      uv_close((uv_handle_t *)&s->grace, NULL);
      s->grace_open = 0;
    }
    if (s->done) s->done(s->done_arg);
    s->done = NULL;
  }
}

static void on_grace_expired(uv_timer_t *t) {
  struct http_server *s = t->data;
  for (struct conn *c = s->conns; c; c = c->next) conn_close(c);
}

void http_server_shutdown(struct http_server *s, void (*done)(void *), void *arg) {
  if (s->shutting_down) return;
  s->shutting_down = 1;
  s->done = done;
  s->done_arg = arg;
  uv_timer_init(s->loop, &s->grace);
  s->grace.data = s;
  s->grace_open = 1;
  uv_timer_start(&s->grace, on_grace_expired, HTTP_SHUTDOWN_GRACE_MS, 0);
  uv_unref((uv_handle_t *)&s->grace);
  for (struct conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    conn_maybe_finish(c);
  }
  uv_close((uv_handle_t *)&s->listener, on_listener_closed);
}

void http_server_free(struct http_server *s) { free(s); }
