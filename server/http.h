/*
** server/http.h: the HTTP/1.1 server (libuv + llhttp).
**
** Connections are read with libuv and parsed with llhttp. Each complete
** request is handed to one handler callback, synchronously on the loop thread,
** so pipelined requests are answered in order. The handler fills a struct
** http_response whose body http.c then owns. Limits: headers 64 KB in all,
** bodies 16 MB (413 beyond). A connection whose peer does not read its answers
** stops being read until the backlog drains, so a slow client only slows
** itself.
*/
#ifndef DDB_HTTP_H
#define DDB_HTTP_H

#include <stddef.h>
#include <uv.h>

#define HTTP_MAX_BODY (16u * 1024 * 1024)
#define HTTP_MAX_HEADER_BYTES (64u * 1024)
#define HTTP_MAX_HEADERS 100

struct http_header {
  const char *name;  /* as sent; compare case-insensitively */
  const char *value; /* trimmed */
};

/* A complete request. Everything is valid only during the handler call. */
struct http_request {
  const char *method; /* "POST", "GET", ... */
  const char *url;
  struct http_header headers[HTTP_MAX_HEADERS];
  size_t nheaders;
  const char *body; /* NUL-terminated for convenience; may contain NULs */
  size_t body_len;
  const char *peer; /* remote address "ip:port" */
};

/* Returns the value of the first header named `name` (any case), or NULL. */
const char *http_header_get(const struct http_request *req, const char *name);

#define HTTP_MAX_RESPONSE_HEADERS 8

struct http_response {
  int status;
  const char *content_type; /* static string, or NULL for none */
  struct http_header headers[HTTP_MAX_RESPONSE_HEADERS]; /* values are copied */
  size_t nheaders;
  char *body; /* malloc'd; http.c frees it once written */
  size_t body_len;
  int hold;   /* keep it (and what follows on the connection) until
                 http_server_release(): used to answer only once a group
                 commit is durable */
};

/* Add a response header (name must be a static string; value is copied). */
void http_response_header(struct http_response *resp, const char *name, const char *value);

typedef void http_handler_fn(void *ctx, const struct http_request *req, struct http_response *resp);

struct http_server;

/* Bind and listen. Returns NULL with a one-line reason in errbuf on failure
** (address in use, bad address...). */
struct http_server *http_server_start(uv_loop_t *loop, const char *host, int port,
                                      http_handler_fn *handler, void *ctx, char *errbuf,
                                      size_t errlen);
/* Send every held response (ok) or, when the commit they waited for failed,
** drop them and close their connections (!ok), so no client is told of a
** write that did not happen. */
void http_server_release(struct http_server *s, int ok);
/* True when some response is held. */
int http_server_has_held(const struct http_server *s);

/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *s);
/* Stop accepting; let connections finish what they have received and written,
** then close them; calls done(arg) when the last connection is gone. */
void http_server_shutdown(struct http_server *s, void (*done)(void *arg), void *arg);
/* Release the server once shutdown has completed. */
void http_server_free(struct http_server *s);

#endif
