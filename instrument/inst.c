/*
** instrument/inst.c: the instrumentation's lifecycle and its two per-request
** entry points.
**
** inst_precheck() starts the trace once the request is validated and runs the
** request-only detectors (refusing in enforce mode); inst_observe() completes
** the trace with the answer, runs the remaining detectors and writes the
** audit record. Findings go to a bounded ring (the admin API) and into the
** request's audit record. All of this runs on the loop thread; the costly
** parts (the shape of a request, a table's item count) are computed only when
** a detector asks for them.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "detectors/detectors.h"
#include "dispatch.h"
#include "expr/expr.h"
#include "internal.h"
#include "request.h"
#include "storage/store.h"

/*-------------------------------- Severities -------------------------------*/

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *inst_severity_name(int sev) {
  return sev >= INST_INFO && sev <= INST_CRITICAL ? severity_names[sev] : "unknown";
}

int inst_severity_parse(const char *s) {
  if (!s) return -1;
  for (int i = INST_INFO; i <= INST_CRITICAL; i++)
    if (strcasecmp(s, severity_names[i]) == 0) return i;
  return -1;
}

void inst_format_time(double t, char out[32], bool millis) {
  time_t sec = (time_t)t;
  struct tm tm;
  gmtime_r(&sec, &tm);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
  if (millis) snprintf(out + n, 32 - n, ".%03dZ", (int)((t - (double)sec) * 1000.0) % 1000);
  else snprintf(out + n, 32 - n, "Z");
}

/*------------------------------- Lifecycle ---------------------------------*/

static void free_finding(void *p) {
  struct inst_finding *f = p;
  if (!f) return;
  free(f->request_id);
  free(f->principal);
  free(f->operation);
  free(f->table);
  free(f->callsite);
  free(f->message);
  json_decref(f->evidence);
  free(f);
}


struct inst *inst_new(const char *config_path, const char *audit_path, char *err, size_t errlen) {
  struct inst *in = calloc(1, sizeof *in);
  if (!in) abort();
  in->audit_fd = -1;
  inst_audit_init(in);
  inst_config_defaults(&in->cfg);
  if (config_path && inst_config_load(&in->cfg, config_path, err, errlen)) {
    inst_free(in);
    return NULL;
  }
  if (!audit_path && in->cfg.source) audit_path = json_string_value(json_object_get(in->cfg.source, "auditLog"));
  if (audit_path) {
    in->audit_path = strdup(audit_path);
    in->audit_fd = open(audit_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (in->audit_fd < 0) {
      snprintf(err, errlen, "--audit-log %s: %s", audit_path, strerror(errno));
      inst_free(in);
      return NULL;
    }
  }
  in->setup_phase = !json_array_size(in->cfg.setup) && !json_array_size(in->cfg.app) &&
                    !json_array_size(in->cfg.tables);
  inst_map_init(&in->known_tables, 1, 100000, NULL);
  inst_map_init(&in->walks, sizeof(struct inst_window), 4096, NULL);
  inst_map_init(&in->reads, sizeof(struct inst_read_window), 4096, NULL);
  inst_map_init(&in->callsite_tables, sizeof(struct inst_callsite_tables), 4096,
                inst_callsite_tables_free);
  inst_map_init(&in->missing, sizeof(struct inst_missing), 4096, inst_missing_free);
  inst_map_init(&in->expr_bursts, sizeof(struct inst_window), 4096, NULL);
  inst_ring_init(&in->findings, in->cfg.max_findings, free_finding);
  inst_ring_init(&in->events, in->cfg.max_events, free);
  in->next_finding = 1;
  in->next_event = 1;
  in->rng = ((uint64_t)time(NULL) << 21) ^ (uint64_t)getpid() ^ 0x9E3779B97F4A7C15ull;
  in->time_cache_sec = -1;
  return in;
}

static int remember_table(void *arg, const char *name) {
  inst_map_put(arg, name);
  return 0;
}

int inst_start(struct inst *in, struct ddb_server *srv, char *err, size_t errlen) {
  if (!in) return 0;
  in->srv = srv;
  if (srv->deterministic) in->rng = 0x2545F4914F6CDD1Dull;
  /* Tables that exist at start were made by an earlier run's setup. */
  catalog_each_name(srv->store, NULL, remember_table, &in->known_tables);
  if (inst_config_create_tables(in, srv, err, errlen)) return -1;
  if (!in->writer_started && inst_audit_start(in)) {
    snprintf(err, errlen, "cannot start the audit writer thread");
    return -1;
  }
  return 0;
}

void inst_flush(struct inst *in) {
  if (in) inst_audit_flush(in);
}

void inst_shutdown(struct inst *in) {
  if (!in) return;
  inst_audit_flush(in);
  if (in->bl.mode == INST_BL_LEARN) {
    char err[512];
    if (inst_baseline_write(in, err, sizeof err)) fprintf(stderr, "ddbwatch: %s\n", err);
  }
}

void inst_free(struct inst *in) {
  if (!in) return;
  inst_audit_stop(in);
  inst_audit_flush(in);
  if (in->audit_fd >= 0) close(in->audit_fd);
  free(in->audit_path);
  jw_free(&in->audit_buf);
  jw_free(&in->line);
  jw_free(&in->prefix);
  jw_free(&in->resources);
  free(in->prefix_key);
  free(in->resources_table);
  inst_map_free(&in->known_tables);
  inst_map_free(&in->walks);
  inst_map_free(&in->reads);
  inst_map_free(&in->callsite_tables);
  inst_map_free(&in->missing);
  inst_map_free(&in->expr_bursts);
  inst_ring_free(&in->findings);
  inst_ring_free(&in->events);
  inst_config_free(&in->cfg);
  inst_baseline_free(&in->bl);
  inst_audit_destroy(in);
  free(in);
}

/*------------------------------- Principals --------------------------------*/

static bool listed(const json_t *list, const char *akid) {
  size_t i;
  json_t *s;
  json_array_foreach(list, i, s) {
    if (strcmp(json_string_value(s), akid) == 0) return true;
  }
  return false;
}

static enum inst_principal_class classify(const struct inst *in, const char *akid) {
  if (json_array_size(in->cfg.setup))
    return listed(in->cfg.setup, akid) ? INST_PRINCIPAL_SETUP : INST_PRINCIPAL_APP;
  if (json_array_size(in->cfg.app))
    return listed(in->cfg.app, akid) ? INST_PRINCIPAL_APP : INST_PRINCIPAL_SETUP;
  return in->setup_phase ? INST_PRINCIPAL_SETUP : INST_PRINCIPAL_APP;
}

/*--------------------------------- Tables ----------------------------------*/

bool inst_table_known(const struct inst *in, const char *name) {
  return name && inst_map_get(&in->known_tables, name) != NULL;
}

const char *inst_table_name(struct inst_trace *t, const char *s) {
  if (!s || strncmp(s, "arn:", 4) != 0) return s;
  const char *p = strstr(s, ":table/");
  if (!p) return s;
  p += 7;
  size_t n = strcspn(p, "/");
  return t->arena ? arena_strndup(t->arena, p, n) : s;
}

int64_t inst_table_items(struct inst *in, const char *name) {
  if (!in->srv || !in->srv->store || !name) return -1;
  struct table *tbl = catalog_find(in->srv->store, name);
  if (!tbl) return -1;
  struct store_txn txn;
  struct ddb_err e = {0};
  if (store_begin(in->srv->store, false, &txn, &e)) {
    ddb_err_clear(&e);
    return -1;
  }
  int64_t n = (int64_t)catalog_item_count(&txn, tbl);
  store_abort(&txn);
  return n;
}

void inst_each_table(const struct inst_trace *t, void (*fn)(void *, const char *), void *arg) {
  struct inst_trace *mt = (struct inst_trace *)t;
  if (t->table) fn(arg, t->table);
  const char *name;
  json_t *v;
  json_object_foreach((json_t *)t->request_items, name, v) {
    if (!t->table || strcmp(inst_table_name(mt, name), t->table) != 0) fn(arg, inst_table_name(mt, name));
  }
  size_t i;
  json_t *item;
  json_array_foreach(t->transact_items, i, item) {
    const char *kinds[] = {"Get", "Put", "Update", "Delete", "ConditionCheck"};
    for (int k = 0; k < 5; k++) {
      const char *n = json_string_value(json_object_get(json_object_get(item, kinds[k]), "TableName"));
      if (n) fn(arg, inst_table_name(mt, n));
    }
  }
}

/*------------------------------ Call sites ---------------------------------*/

static const char *const expr_params[] = {"KeyConditionExpression", "FilterExpression",
                                          "ConditionExpression", "UpdateExpression",
                                          "ProjectionExpression"};

/* An expression's template: #names become #, :values become :, runs of
** white space one space (the same idea as server/expr's fingerprint, without
** the operand sorting). */
void inst_append_template(struct jw *w, const char *s) {
  bool space = false;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && w->len) jw_raw(w, " ", 1);
    space = false;
    if (c == '#' || c == ':') {
      jw_raw(w, (const char *)&c, 1);
      while (s[1] && (s[1] == '_' || (s[1] >= '0' && s[1] <= '9') || (s[1] >= 'a' && s[1] <= 'z') ||
                      (s[1] >= 'A' && s[1] <= 'Z')))
        s++;
      continue;
    }
    jw_raw(w, (const char *)&c, 1);
  }
}

const char *inst_coarse_callsite(struct inst_trace *t) {
  const char *op = t->operation ? t->operation : "?";
  if (!t->arena) return op;
  /* "op table[/index]", by hand: it is built for many requests. */
  const char *table = t->table ? t->table : "-";
  size_t ol = strlen(op), tl = strlen(table), il = t->index ? strlen(t->index) + 1 : 0;
  char *s = arena_alloc(t->arena, ol + tl + il + 2), *p = s;
  memcpy(p, op, ol);
  p += ol;
  *p++ = ' ';
  memcpy(p, table, tl);
  p += tl;
  if (t->index) {
    *p++ = '/';
    memcpy(p, t->index, il - 1);
    p += il - 1;
  }
  *p = 0;
  return s;
}

const char *inst_callsite(struct inst *in, struct inst_trace *t) {
  (void)in;
  if (t->callsite) return t->callsite;
  if (t->shape) return t->shape;
  struct jw w = {0};
  const char *coarse = inst_coarse_callsite(t);
  jw_raw(&w, coarse, strlen(coarse));
  for (size_t i = 0; i < sizeof expr_params / sizeof expr_params[0]; i++) {
    const char *text = json_string_value(json_object_get(t->request, expr_params[i]));
    if (!text) continue;
    jw_raw(&w, " ", 1);
    jw_raw(&w, expr_params[i], strlen(expr_params[i]) - strlen("Expression"));
    jw_raw(&w, "=", 1);
    size_t before = w.len;
    inst_append_template(&w, text);
    if (w.len > before + 200) w.len = before + 200; /* bounded */
    w.buf[w.len] = 0;
  }
  t->shape = t->arena ? arena_strdup(t->arena, w.buf) : NULL;
  jw_free(&w);
  return t->shape ? t->shape : coarse;
}

/*-------------------------- Expression contexts ----------------------------*/

void inst_trace_expr(struct inst_trace *t, struct arena *a, const struct expr_ctx *c,
                     const json_t *scope) {
  if (!c) return;
  for (const struct inst_expr_use *u = t->exprs; u; u = u->next)
    if (u->ctx == c) return;
  struct inst_expr_use *u = arena_alloc(a, sizeof *u);
  u->ctx = c;
  u->scope = scope;
  u->next = NULL;
  if (t->exprs_last) t->exprs_last->next = u;
  else t->exprs = u;
  t->exprs_last = u;
}

const struct expr_ctx *inst_trace_failed_expr(const struct inst_trace *t) {
  for (const struct inst_expr_use *u = t->exprs; u; u = u->next)
    if (expr_ctx_diag(u->ctx)) return u->ctx;
  return NULL;
}

/*-------------------------- Malformed expressions --------------------------*/

/* The text between `open` and the next '"' in s, in the arena. */
static const char *quoted_after(struct inst_trace *t, const char *s, const char *open) {
  const char *p = strstr(s, open);
  if (!p) return NULL;
  p += strlen(open);
  const char *q = strchr(p, '"');
  if (!q) return NULL;
  return arena_strndup(t->arena, p, (size_t)(q - p));
}

static const char *after(const char *s, const char *marker) {
  const char *p = strstr(s, marker);
  return p ? p + strlen(marker) : NULL;
}

bool inst_expr_error(struct inst_trace *t, struct inst_expr_error *out) {
  memset(out, 0, sizeof *out);
  out->offset = -1;
  const struct expr_ctx *failed = inst_trace_failed_expr(t);
  if (failed && t->arena) {
    const struct expr_diag *d = expr_ctx_diag(failed);
    if (d && d->cls != EXPR_DIAG_NONE) {
      out->expression = d->kind < EXPR_KIND_COUNT ? expr_kind_name(d->kind) : NULL;
      out->cls = expr_diag_class_name(d->cls);
      out->text = d->text ? arena_strndup(t->arena, d->text, d->text_len) : NULL;
      out->token = d->token;
      out->offset = d->offset == UINT32_MAX ? -1 : (long)d->offset;
      out->message = d->message ? d->message : t->error_message;
      return true;
    }
  }
  /* Recover the same facts from DynamoDB's message texts. */
  const char *m = t->error_message;
  if (!m || !t->error_type || strcmp(t->error_type, "ValidationException") != 0 || !t->arena)
    return false;
  out->message = m;
  if (strncmp(m, "Value provided in ExpressionAttributeValues unused", 50) == 0 ||
      strncmp(m, "Value provided in ExpressionAttributeNames unused", 49) == 0) {
    out->cls = m[37] == 'V' ? "unused-value" : "unused-name";
    const char *k = after(m, "keys: {");
    if (k) out->token = arena_strndup(t->arena, k, strcspn(k, "}"));
    return true;
  }
  if (strncmp(m, "Invalid ", 8) != 0) return false;
  const char *colon = strstr(m, "Expression: ");
  if (!colon || colon - m > 40) return false;
  out->expression = arena_strndup(t->arena, m + 8, (size_t)(colon - m - 8) + strlen("Expression"));
  out->text = json_string_value(json_object_get(t->request, out->expression));
  const char *why = colon + strlen("Expression: ");
  const char *near = NULL;
  if (strncmp(why, "Syntax error", 12) == 0) {
    out->cls = "syntax";
    out->token = quoted_after(t, why, "token: \"");
    near = quoted_after(t, why, "near: \"");
  } else if (strstr(why, "reserved keyword")) {
    out->cls = "reserved-word";
    const char *k = after(why, "reserved keyword: ");
    if (k) out->token = arena_strdup(t->arena, k);
  } else if (strstr(why, "attribute value used in expression is not defined")) {
    out->cls = "undefined-value";
    const char *k = after(why, "attribute value: ");
    if (k) out->token = arena_strdup(t->arena, k);
  } else if (strstr(why, "attribute name used in the document path is not defined")) {
    out->cls = "undefined-name";
    const char *k = after(why, "attribute name: ");
    if (k) out->token = arena_strdup(t->arena, k);
  } else if (strstr(why, "can not be empty")) {
    out->cls = "empty";
  } else {
    out->cls = "other";
  }
  if (out->text && out->token) {
    const char *base = out->text;
    if (near) {
      const char *n = strstr(out->text, near);
      if (n) base = n;
    }
    const char *tok = strstr(base, out->token);
    if (tok) out->offset = (long)(tok - out->text);
  }
  return true;
}

/*------------------------------- Findings ----------------------------------*/

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

void inst_emit(struct inst *in, struct inst_trace *t, int det, int severity, json_t *evidence,
               const char *fmt, ...) {
  const struct inst_det_config *dc = &in->cfg.det[det];
  for (int i = 0; i < t->nfound; i++)
    if (t->found[i].detector == det) {
      json_decref(evidence);
      return;
    }
  if (!dc->enabled || (t->table && inst_regexes_match(&dc->allow_tables, t->table)) ||
      inst_regexes_match(&dc->allow_callsites, inst_callsite(in, t))) {
    json_decref(evidence);
    return;
  }
  struct inst_finding *f = calloc(1, sizeof *f);
  if (!f) abort();
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&f->message, fmt, ap) < 0) f->message = NULL;
  va_end(ap);
  f->id = in->next_finding++;
  f->detector = det;
  f->severity = severity;
  f->time = t->time;
  f->request_id = dup_or_null(t->request_id);
  f->principal = dup_or_null(t->principal);
  f->operation = dup_or_null(t->operation);
  f->table = dup_or_null(t->table);
  f->callsite = dup_or_null(inst_callsite(in, t));
  f->evidence = evidence ? evidence : json_object();
  inst_ring_push(&in->findings, f);
  in->findings_total++;
  if (t->nfound < INST_TRACE_MAX_FOUND) {
    t->found[t->nfound].id = f->id;
    t->found[t->nfound].detector = det;
    t->found[t->nfound].severity = severity;
    t->nfound++;
  }
  if (severity > t->max_severity) t->max_severity = severity;
}

json_t *inst_finding_json(const struct inst_finding *f) {
  char when[32];
  inst_format_time(f->time, when, true);
  const struct inst_detector *d = &inst_detectors[f->detector];
  return json_pack("{sI ss ss ss ss ss? ss? ss? ss? ss? ss? sO}", "id", (json_int_t)f->id, "detector", d->id,
                   "name", d->name, "severity", inst_severity_name(f->severity), "time", when,
                   "requestId", f->request_id, "principal", f->principal, "operation", f->operation,
                   "table", f->table, "callsite", f->callsite, "message", f->message, "evidence",
                   f->evidence);
}

void inst_finding_write(struct jw *w, const struct inst_finding *f) {
  char when[32];
  inst_format_time(f->time, when, true);
  const struct inst_detector *d = &inst_detectors[f->detector];
  jw_obj(w);
  jw_key(w, "id"), jw_int(w, (long long)f->id);
  jw_key(w, "detector"), jw_cstr(w, d->id);
  jw_key(w, "name"), jw_cstr(w, d->name);
  jw_key(w, "severity"), jw_cstr(w, inst_severity_name(f->severity));
  jw_key(w, "time"), jw_cstr(w, when);
  jw_key(w, "requestId"), jw_cstr(w, f->request_id);
  jw_key(w, "principal"), jw_cstr(w, f->principal);
  jw_key(w, "operation"), jw_cstr(w, f->operation);
  jw_key(w, "table"), jw_cstr(w, f->table);
  jw_key(w, "callsite"), jw_cstr(w, f->callsite);
  jw_key(w, "message"), jw_cstr(w, f->message);
  jw_key(w, "evidence"), jw_json(w, f->evidence);
  jw_obj_end(w);
}

/*--------------------------------- Traces ----------------------------------*/

/* Fill the request part of the trace (idempotent). */
static void trace_start(struct inst *in, struct ddb_request *r) {
  struct inst_trace *t = &r->trace;
  if (t->started) return;
  t->started = true;
  t->max_severity = -1;
  t->arena = &r->arena;
  t->request_id = r->request_id;
  t->time = r->now;
  if (!t->start_ns) t->start_ns = uv_hrtime();
  if (r->op) {
    t->operation = r->op->name;
    t->op_known = true;
    t->op_flags = r->op->flags;
  } else if (r->http) {
    const char *target = http_header_get(r->http, "x-amz-target");
    const char *dot = target ? strchr(target, '.') : NULL;
    if (dot && dot[1] && strlen(dot + 1) < 64) t->operation = dot + 1;
  }
  t->principal = r->auth.access_key_id;
  if (!t->principal[0] && r->http) {
    /* Refused before the Authorization header was checked: still name who sent it. */
    const char *a = http_header_get(r->http, "authorization");
    const char *c = a ? strstr(a, "Credential=") : NULL;
    if (c) {
      c += strlen("Credential=");
      size_t n = strcspn(c, "/, ");
      if (n && t->arena) t->principal = arena_strndup(t->arena, c, n);
    }
  }
  t->region = req_region(r);
  if (r->http) {
    t->peer = r->http->peer;
    /* Both headers in one pass (cheap first-letter checks before comparing). */
    for (size_t i = 0; i < r->http->nheaders; i++) {
      const struct http_header *h = &r->http->headers[i];
      char c = h->name[0] | 0x20;
      if (c == 'u' && !t->user_agent && strcasecmp(h->name, "user-agent") == 0) t->user_agent = h->value;
      else if (c == 'x' && !t->callsite && strcasecmp(h->name, "x-ddbwatch-callsite") == 0 && h->value[0])
        t->callsite = h->value;
    }
    t->body = r->http->body;
    t->request_bytes = r->http->body_len;
  }
  t->request = r->in;
  t->limit = t->segment = t->total_segments = -1;
  /* One pass over the members (a hash lookup per parameter would cost more). */
  const char *key;
  json_t *v;
  json_object_foreach(r->in, key, v) {
    switch (key[0]) {
    case 'T':
      if (strcmp(key, "TableName") == 0) t->table = inst_table_name(t, json_string_value(v));
      else if (strcmp(key, "TotalSegments") == 0 && json_is_integer(v)) t->total_segments = json_integer_value(v);
      else if (strcmp(key, "TransactItems") == 0) t->transact_items = v;
      else if (strcmp(key, "TransactStatements") == 0) t->statements = v;
      break;
    case 'I':
      if (strcmp(key, "IndexName") == 0) t->index = json_string_value(v);
      else if (strcmp(key, "Item") == 0) t->item = v;
      break;
    case 'K':
      if (strcmp(key, "Key") == 0) t->key = v;
      else if (strcmp(key, "KeyConditions") == 0) t->legacy |= INST_LEGACY_KEY_CONDITIONS;
      break;
    case 'L':
      if (strcmp(key, "Limit") == 0 && json_is_integer(v)) t->limit = json_integer_value(v);
      break;
    case 'S':
      if (strcmp(key, "Segment") == 0 && json_is_integer(v)) t->segment = json_integer_value(v);
      else if (strcmp(key, "Select") == 0) t->select = json_string_value(v);
      else if (strcmp(key, "ScanFilter") == 0) t->legacy |= INST_LEGACY_SCAN_FILTER;
      else if (strcmp(key, "Statements") == 0) t->statements = v;
      break;
    case 'P':
      if (strcmp(key, "Parameters") == 0) t->parameters = v;
      break;
    case 'E':
      if (strcmp(key, "ExpressionAttributeValues") == 0) t->values = v;
      else if (strcmp(key, "ExpressionAttributeNames") == 0) t->names = v;
      else if (strcmp(key, "ExclusiveStartKey") == 0) t->exclusive_start_key = true;
      else if (strcmp(key, "Expected") == 0) t->legacy |= INST_LEGACY_EXPECTED;
      break;
    case 'R':
      if (strcmp(key, "RequestItems") == 0) t->request_items = v;
      break;
    case 'Q':
      if (strcmp(key, "QueryFilter") == 0) t->legacy |= INST_LEGACY_QUERY_FILTER;
      break;
    case 'C':
      if (strcmp(key, "ConditionalOperator") == 0) t->legacy |= INST_LEGACY_CONDITIONAL_OPERATOR;
      break;
    case 'A':
      if (strcmp(key, "AttributeUpdates") == 0) t->legacy |= INST_LEGACY_ATTRIBUTE_UPDATES;
      else if (strcmp(key, "AttributesToGet") == 0) t->legacy |= INST_LEGACY_ATTRIBUTES_TO_GET;
      break;
    }
  }
  /* A batch on one table names it too. */
  if (!t->table && json_object_size(t->request_items) == 1)
    t->table = inst_table_name(t, json_object_iter_key(json_object_iter((json_t *)t->request_items)));
  t->op_class = inst_op_class(t->operation);
  if (in->setup_phase && (t->op_class & INST_OP_DATA)) in->setup_phase = false;
  t->principal_class = classify(in, t->principal);
}

static void run_pre(struct inst *in, struct inst_trace *t) {
  t->pre_done = true;
  for (int i = 0; i < DET_COUNT; i++)
    if (inst_detectors[i].pre && in->cfg.det[i].enabled) inst_detectors[i].pre(in, t);
}

static void run_post(struct inst *in, struct inst_trace *t) {
  for (int i = 0; i < DET_COUNT; i++)
    if (inst_detectors[i].post && in->cfg.det[i].enabled) inst_detectors[i].post(in, t);
}

int inst_precheck(struct inst *in, struct ddb_request *r) {
  if (!in) return 0;
  struct inst_trace *t = &r->trace;
  trace_start(in, r);
  run_pre(in, t);
  if (!in->cfg.enforce || t->max_severity < in->cfg.min_severity) return 0;
  /* Refuse, naming the first finding at or above the threshold. */
  const struct inst_found *hit = NULL;
  for (int i = 0; i < t->nfound && !hit; i++)
    if (t->found[i].severity >= in->cfg.min_severity) hit = &t->found[i];
  const struct inst_finding *f = NULL;
  for (size_t i = in->findings.count; i-- > 0 && hit;) {
    const struct inst_finding *c = inst_ring_at(&in->findings, i);
    if (c->id == hit->id) {
      f = c;
      break;
    }
  }
  const struct inst_detector *d = &inst_detectors[hit ? hit->detector : 0];
  const char *resource = t->table ? req_table_arn(r, t->table) : "*";
  ddb_fail(&r->err, DDB_ACCESS_DENIED,
           "User: arn:aws:iam::%s:user/%s is not authorized to perform: dynamodb:%s on resource: %s "
           "because ddbwatch detector %s (%s, %s) refused it: %s",
           r->srv->account_id, t->principal[0] ? t->principal : "anonymous",
           t->operation ? t->operation : "?", resource, d->id, d->name,
           inst_severity_name(hit ? hit->severity : d->severity), f && f->message ? f->message : "");
  return -1;
}

void inst_begin(struct inst *in, struct ddb_request *r) {
  (void)in;
  r->trace.start_ns = uv_hrtime();
}

void inst_observe(struct inst *in, struct ddb_request *r, int status, const json_t *response) {
  if (!in) return;
  struct inst_trace *t = &r->trace;
  trace_start(in, r);
  t->status = status;
  t->error_type = r->err.code != DDB_OK ? ddb_code_name(r->err.code) : NULL;
  t->error_message = r->err.code != DDB_OK ? r->err.msg : NULL;
  t->response = response;
  t->latency_ms = in->srv && in->srv->deterministic ? 0.0 : (double)(uv_hrtime() - t->start_ns) / 1e6;
  if (!t->counts_set && response) {
    json_t *sc = json_object_get(response, "ScannedCount"), *c = json_object_get(response, "Count");
    if (json_is_integer(sc) && json_is_integer(c)) {
      t->items_scanned = (uint64_t)json_integer_value(sc);
      t->items_returned = (uint64_t)json_integer_value(c);
      t->counts_set = true;
    }
  }
  if (!t->pre_done) run_pre(in, t);
  run_post(in, t);
  if (in->bl.mode == INST_BL_LEARN) inst_baseline_learn(in, t);
  /* Tables a setup principal creates become expected tables. */
  if (status == 200 && t->operation && t->table && strcmp(t->operation, "CreateTable") == 0 &&
      t->principal_class == INST_PRINCIPAL_SETUP)
    inst_map_put(&in->known_tables, t->table);
  in->requests++;
  inst_audit_record(in, t);
}
