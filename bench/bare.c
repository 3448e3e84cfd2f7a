/*
** bench/bare.c: the ceiling for GetItem throughput.
**
** The same HTTP layer as ddbwatch (server/http.c on libuv + llhttp), answering
** every request with one fixed GetItem response: no JSON parsing, no storage.
** bench.py measures it beside ddbwatch, so "GetItem at N% of the bare-server
** ceiling" compares like with like.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http.h"

static const char answer[] =
    "{\"Item\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"S\":\"s01\"},\"data\":{\"S\":\""
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "\"},\"n\":{\"N\":\"0\"}}}";

static char crc[16];

static void handle(void *ctx, const struct http_request *req, struct http_response *resp) {
  (void)ctx;
  (void)req;
  resp->status = 200;
  resp->content_type = "application/x-amz-json-1.0";
  http_response_header(resp, "x-amzn-RequestId", "BARESERVERBARESERVERBARESERVERBARESERVERBARESERVER00");
  http_response_header(resp, "x-amz-crc32", crc);
  resp->body_len = sizeof answer - 1;
  resp->body = malloc(resp->body_len);
  memcpy(resp->body, answer, resp->body_len);
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8000;
  snprintf(crc, sizeof crc, "%lu", crc32(0L, (const Bytef *)answer, sizeof answer - 1));
  signal(SIGPIPE, SIG_IGN);
  char err[256];
  uv_loop_t *loop = uv_default_loop();
  struct http_server *s = http_server_start(loop, "127.0.0.1", port, handle, NULL, err, sizeof err);
  if (!s) {
    fprintf(stderr, "bare: %s\n", err);
    return 1;
  }
  printf("bare server listening on http://127.0.0.1:%d\n", http_server_port(s));
  fflush(stdout);
  return uv_run(loop, UV_RUN_DEFAULT);
}
