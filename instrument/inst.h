/*
** instrument/inst.h: ddbwatch's instrumentation, as the server calls it.
**
** One struct inst per process holds the configuration (--config), the
** detectors' state, the findings and audit-event rings behind the admin API,
** and the buffered audit log (--audit-log). Everything runs on the loop thread.
**
** The server's side of the contract (server/dispatch.c, server/main.c):
**   inst_new()       at start-up, after the command line
**   inst_baseline_start()  with --learn / --baseline
**   inst_start()     once the store is open: creates declared tables, starts the
**                    audit writer thread
**   inst_begin()     for each request, once its request id is made
**   inst_precheck()  for each request, after validation, before the operation:
**                    runs request-only detectors; in enforce mode refuses
**   inst_observe()   for each request with a request id, once answered
**   inst_admin()     for every /_ddbwatch/ URL
**   inst_shutdown()  when the server stops (writes the audit log out, and
**                    the baseline when learning)
**   inst_free()      after the loop has ended
** Every entry point accepts a NULL struct inst and then does nothing.
*/
#ifndef DDB_INST_H
#define DDB_INST_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <uv.h>

#include "trace.h"

struct ddb_server;
struct ddb_request;
struct http_request;
struct http_response;

enum inst_severity { INST_INFO, INST_LOW, INST_MEDIUM, INST_HIGH, INST_CRITICAL };

/* "info", "low", "medium", "high", "critical" */
const char *inst_severity_name(int sev);
/* The severity named s (any case), or -1. */
int inst_severity_parse(const char *s);

struct inst;

/* Load the configuration at config_path (NULL: defaults) and prepare the audit
** log at audit_path (NULL: none; the file is opened for appending). Returns
** NULL with a one-line reason in err on failure. */
struct inst *inst_new(const char *config_path, const char *audit_path, char *err, size_t errlen);

/* Baselines: learn into learn_path (written at inst_shutdown and on POST
** /_ddbwatch/baseline) and/or load baseline_path frozen (either may be NULL).
** Call after inst_new(). Returns 0, or -1 with a one-line reason in err. */
int inst_baseline_start(struct inst *in, const char *learn_path, const char *baseline_path, char *err,
                        size_t errlen);

/* Attach to a running server: create the declared tables that are missing
** (through CreateTable's own validation), remember the tables that exist, and
** start the audit writer thread. Returns 0, or -1 with err set. */
int inst_start(struct inst *in, struct ddb_server *srv, char *err, size_t errlen);

/* Mark the request's start (for its latency); call once its id is made. */
void inst_begin(struct inst *in, struct ddb_request *r);

/* Start r->trace from the request and run the detectors that need only the
** request. In enforce mode, returns -1 with r->err set to AccessDeniedException
** naming the detector when a finding reaches the configured severity (the
** operation must then not run); otherwise 0. */
int inst_precheck(struct inst *in, struct ddb_request *r);

/* End r->trace: status and error from the answer, the response body when
** there is one (borrowed, may be NULL), latency; run the remaining detectors
** and append the audit record. */
void inst_observe(struct inst *in, struct ddb_request *r, int status, const json_t *response);

/* Answer an admin request (/_ddbwatch/...): fills resp with a JSON body. */
void inst_admin(struct inst *in, const struct http_request *req, struct http_response *resp);

/* Write buffered audit records to the file now. */
void inst_flush(struct inst *in);

/* Write every audit record received so far to the file (at shutdown). */
void inst_shutdown(struct inst *in);

/* Stop the writer thread (after writing everything out) and release everything. */
void inst_free(struct inst *in);

/* `ddbwatch report ...`: argv[0] is "report". Returns the process exit status. */
int inst_report_main(int argc, char **argv);

#endif
