/*
** server/main.c: ddbwatch's command line, start-up and clean shutdown.
*/
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dispatch.h"
#include "http.h"
#include "instrument/inst.h"
#include "request.h"
#include "storage/store.h"

#define DEFAULT_DATA_DIR "ddbwatch-data"

static const char usage[] =
    "usage: ddbwatch [--host ADDR] [--port N] [--data-dir DIR | --in-memory] [--sync full|none]\n"
    "\n"
    "A DynamoDB-compatible local server that flags risky traffic.\n"
    "\n"
    "  --host ADDR      address to listen on (default 127.0.0.1; 0.0.0.0 for all)\n"
    "  --port N         port to listen on (default 8000; 0 picks a free one)\n"
    "  --data-dir DIR   keep data in DIR (default ./" DEFAULT_DATA_DIR ")\n"
    "  --in-memory      keep nothing after exit\n"
    "  --sync MODE      full: every acknowledged write is on disk (default);\n"
    "                   none: no fsync, for throwaway data\n"
    "  --deterministic  fixed request ids and clock (tests, fuzzing)\n"
    "  --config FILE    declared tables, principals, mode and detector settings\n"
    "                   (JSON; see instrument/README.md)\n"
    "  --audit-log FILE append one JSON record per request to FILE\n"
    "  --learn FILE     record what each call site sends into FILE (a baseline,\n"
    "                   written at shutdown and on POST /_ddbwatch/baseline)\n"
    "  --baseline FILE  load a learned baseline frozen: what falls outside it is\n"
    "                   reported (with --learn: keep learning on top of it)\n"
    "  --no-instrument  no detectors, audit records or admin API (for benchmarks)\n"
    "  --help           show this help\n"
    "  --version        show the version\n"
    "\n"
    "       ddbwatch report --audit-log FILE [--format text|json|sarif] [--fail-on SEVERITY]\n"
    "                       (ddbwatch report --help for more)\n";

/* A group commit waits while requests keep arriving, up to this long, so a
** burst of writes from many clients shares one durable commit. */
#define GROUP_COMMIT_MAX_WAIT_NS 2000000

static struct {
  uv_signal_t sigint, sigterm;
  uv_check_t group_commit;
  uv_idle_t keep_polling; /* while a batch waits: poll without blocking */
  uint64_t batch_since;   /* uv_hrtime() when the open batch was first seen */
  uint64_t batch_seq;     /* requests served when last looked */
  int durable;            /* commits fsync: worth waiting to share one */
  struct ddb_server srv;
} app;

/* An active idle handle only makes the next poll non-blocking. */
static void on_idle(uv_idle_t *h) { (void)h; }

/* After each loop turn's I/O: commit the writes of the turn in one durable
** LMDB commit, then send the answers that waited for it. While each turn still
** brings new requests the commit waits (polling without blocking), so that
** concurrent writers share one fsync. */
static void on_turn_end(uv_check_t *h) {
  (void)h;
  struct ddb_server *s = &app.srv;
  if (!store_batch_open(s->store)) return;
  uint64_t now = uv_hrtime();
  if (!app.batch_since) app.batch_since = now;
  if (app.durable && s->seq != app.batch_seq && now - app.batch_since < GROUP_COMMIT_MAX_WAIT_NS) {
    app.batch_seq = s->seq;
    uv_idle_start(&app.keep_polling, on_idle);
    return;
  }
  uv_idle_stop(&app.keep_polling);
  app.batch_since = 0;
  app.batch_seq = s->seq;
  char err[256];
  int ok = store_flush(s->store, err, sizeof err) == 0;
  if (!ok) fprintf(stderr, "ddbwatch: %s; the connections waiting for it are closed\n", err);
  http_server_release(s->http, ok);
}

static void on_http_closed(void *arg) {
  (void)arg;
  uv_close((uv_handle_t *)&app.sigint, NULL);
  uv_close((uv_handle_t *)&app.sigterm, NULL);
  uv_close((uv_handle_t *)&app.group_commit, NULL);
  uv_close((uv_handle_t *)&app.keep_polling, NULL);
  inst_shutdown(app.srv.inst);
}

static void on_signal(uv_signal_t *h, int signum) {
  (void)h;
  (void)signum;
  http_server_shutdown(app.srv.http, on_http_closed, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "report") == 0) return inst_report_main(argc - 1, argv + 1);
  const char *host = "127.0.0.1", *data_dir = NULL, *sync = "full";
  const char *config = NULL, *audit_log = NULL, *learn = NULL, *baseline = NULL;
  int port = 8000, in_memory = 0, deterministic = 0, instrument = 1;
  static const struct option opts[] = {
      {"host", required_argument, NULL, 'h'},   {"port", required_argument, NULL, 'p'},
      {"data-dir", required_argument, NULL, 'd'}, {"in-memory", no_argument, NULL, 'm'},
      {"sync", required_argument, NULL, 's'},   {"deterministic", no_argument, NULL, 'D'},
      {"help", no_argument, NULL, 'H'},         {"version", no_argument, NULL, 'V'},
      {"config", required_argument, NULL, 'c'}, {"audit-log", required_argument, NULL, 'a'},
      {"no-instrument", no_argument, NULL, 'I'},
      {"learn", required_argument, NULL, 'L'},  {"baseline", required_argument, NULL, 'B'},
      {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'h': host = optarg; break;
    case 'p': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v < 0 || v > 65535) {
        fprintf(stderr, "ddbwatch: --port must be a number from 0 to 65535, not '%s'\n", optarg);
        return 2;
      }
      port = (int)v;
      break;
    }
    case 'd': data_dir = optarg; break;
    case 'm': in_memory = 1; break;
    case 's': sync = optarg; break;
    case 'D': deterministic = 1; break;
    case 'c': config = optarg; break;
    case 'a': audit_log = optarg; break;
    case 'I': instrument = 0; break;
    case 'L': learn = optarg; break;
    case 'B': baseline = optarg; break;
    case 'H': fputs(usage, stdout); return 0;
    case 'V': printf("ddbwatch %s\n", DDBWATCH_VERSION); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "ddbwatch: unexpected argument '%s'\n%s", argv[optind], usage);
    return 2;
  }
  if (!instrument && (config || audit_log || learn || baseline)) {
    fprintf(stderr, "ddbwatch: --no-instrument cannot be used with --config, --audit-log, --learn or --baseline\n");
    return 2;
  }
  if (in_memory && data_dir) {
    fprintf(stderr, "ddbwatch: --data-dir and --in-memory cannot be used together\n");
    return 2;
  }
  enum store_sync sync_mode;
  if (strcmp(sync, "full") == 0) sync_mode = STORE_SYNC_FULL;
  else if (strcmp(sync, "none") == 0) sync_mode = STORE_SYNC_NONE;
  else {
    fprintf(stderr, "ddbwatch: --sync must be full or none, not '%s'\n", sync);
    return 2;
  }
  if (!in_memory && !data_dir) data_dir = DEFAULT_DATA_DIR;
  app.durable = !in_memory && sync_mode == STORE_SYNC_FULL;
  if (strcmp(host, "localhost") == 0) host = "127.0.0.1";

  signal(SIGPIPE, SIG_IGN);
  char err[512] = "";
  uv_loop_t *loop = uv_default_loop();
  struct ddb_server *s = &app.srv;
  s->loop = loop;
  s->account_id = "000000000000";
  s->default_region = "us-east-1";
  s->deterministic = deterministic;
  s->rng = deterministic ? 0x9E3779B97F4A7C15ull
                         : ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)&app;
  if (!s->rng) s->rng = 1;

  s->inst = instrument ? inst_new(config, audit_log, err, sizeof err) : NULL;
  if (instrument && !s->inst) {
    fprintf(stderr, "ddbwatch: %s\n", err);
    return 1;
  }
  if ((learn || baseline) && inst_baseline_start(s->inst, learn, baseline, err, sizeof err)) {
    fprintf(stderr, "ddbwatch: %s\n", err);
    inst_free(s->inst);
    return 1;
  }
  s->store = store_open(in_memory ? NULL : data_dir, sync_mode, err, sizeof err);
  if (!s->store || inst_start(s->inst, s, err, sizeof err)) {
    fprintf(stderr, "ddbwatch: %s\n", err);
    inst_free(s->inst);
    if (s->store) store_close(s->store);
    return 1;
  }
  s->http = http_server_start(loop, host, port, dispatch_http, s, err, sizeof err);
  if (!s->http) {
    fprintf(stderr, "ddbwatch: %s\n", err);
    inst_shutdown(s->inst);
    inst_free(s->inst);
    store_close(s->store);
    return 1;
  }
  uv_check_init(loop, &app.group_commit);
  uv_check_start(&app.group_commit, on_turn_end);
  uv_unref((uv_handle_t *)&app.group_commit);
  uv_idle_init(loop, &app.keep_polling);
  uv_signal_init(loop, &app.sigint);
  uv_signal_init(loop, &app.sigterm);
  uv_signal_start(&app.sigint, on_signal, SIGINT);
  uv_signal_start(&app.sigterm, on_signal, SIGTERM);

  printf("ddbwatch %s listening on http://%s:%d (data: %s, sync: %s)\n", DDBWATCH_VERSION, host,
         http_server_port(s->http), in_memory ? "in memory" : data_dir,
         in_memory ? "none" : sync);
  fflush(stdout);

  uv_run(loop, UV_RUN_DEFAULT);

  http_server_free(s->http);
  inst_free(s->inst);
  store_close(s->store);
  uv_loop_close(loop);
  return 0;
}
