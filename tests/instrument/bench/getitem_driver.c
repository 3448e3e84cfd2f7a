/*
** tests/instrument/bench/getitem_driver.c: GetItem through dispatch_http() N
** times in one process, with instrumentation off (mode 0), on (1), on with
** an audit log file (2), or on with an audit log file and a frozen baseline
** that knows the GetItem (3), for instruction counts under callgrind (see
** instructions.sh): a measure of what instrumentation adds that the load of a
** shared machine does not blur. The HTTP layer and the kernel are not
** included, so the ratio overstates the cost in a real server.
**
**   getitem_driver MODE N [AUDIT_LOG]
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "instrument/inst.h"
#include "request.h"
#include "dispatch.h"
#include "storage/store.h"
static double now(void){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec/1e9;}
static struct ddb_server srv;
static void call(const char *op, const char *body, const char *akid) {
  char target[64]; snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
  char auth[200]; snprintf(auth, sizeof auth, "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", akid);
  struct http_request h; memset(&h,0,sizeof h); h.method="POST"; h.url="/"; h.body=body; h.body_len=strlen(body); h.peer="127.0.0.1:5555";
  h.headers[h.nheaders++]=(struct http_header){"Content-Type","application/x-amz-json-1.0"};
  h.headers[h.nheaders++]=(struct http_header){"X-Amz-Target",target};
  h.headers[h.nheaders++]=(struct http_header){"X-Amz-Date","20260101T000000Z"};
  h.headers[h.nheaders++]=(struct http_header){"Authorization",auth};
  h.headers[h.nheaders++]=(struct http_header){"User-Agent","aws-sdk-js/3.1168.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/dynamodb#3.1168.0"};
  struct http_response resp; memset(&resp,0,sizeof resp);
  dispatch_http(&srv, &h, &resp);
  if (store_batch_open(srv.store)) { char e[100]; store_flush(srv.store, e, sizeof e); }
  free(resp.body); for (size_t i=0;i<resp.nheaders;i++) free((char*)resp.headers[i].value);
}
int main(int argc,char**argv){
  if (argc < 3) { fprintf(stderr, "usage: getitem_driver MODE N [AUDIT_LOG]\n"); return 2; }
  char err[256];
  int mode = atoi(argv[1]); int N = atoi(argv[2]);
  srv.account_id="000000000000"; srv.default_region="us-east-1"; srv.rng=7;
  srv.store = store_open(NULL, STORE_SYNC_NONE, err, sizeof err);
  if (mode) { srv.inst = inst_new(NULL, mode >= 2 ? (argc > 3 ? argv[3] : "/dev/null") : NULL, err, sizeof err); inst_start(srv.inst, &srv, err, sizeof err); }
  if (mode == 3) { /* the baseline a learning run of this GetItem writes */
    char path[] = "/tmp/ddbwatch-bench-baseline-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) return 1;
    fputs("{\"ddbwatchBaseline\":1,\"callsites\":{\"GetItem bench\":{\"keyTypes\":{\"bench.pk\":[\"S\"]},"
          "\"operations\":[\"GetItem\"],\"returnedAttributes\":[\"name\",\"pk\"],\"tables\":[\"bench\"]}}}", f);
    fclose(f);
    int rc = inst_baseline_start(srv.inst, NULL, path, err, sizeof err);
    unlink(path);
    if (rc) { fprintf(stderr, "%s\n", err); return 1; }
  }
  call("CreateTable","{\"TableName\":\"bench\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}", "bench");
  call("PutItem","{\"TableName\":\"bench\",\"Item\":{\"pk\":{\"S\":\"k1\"},\"name\":{\"S\":\"Alice\"}}}", "bench");
  for (int i=0;i<12000 && mode;i++) call("GetItem","{\"TableName\":\"bench\",\"Key\":{\"pk\":{\"S\":\"k1\"}}}","bench"); /* fill the rings */
  double t0=now();
  for (int i=0;i<N;i++) call("GetItem","{\"TableName\":\"bench\",\"Key\":{\"pk\":{\"S\":\"k1\"}}}","bench");
  printf("mode %d: %.3f us per GetItem\n", mode, (now()-t0)/N*1e6);
  if (srv.inst) { inst_shutdown(srv.inst); inst_free(srv.inst); }
  store_close(srv.store); return 0;
}
