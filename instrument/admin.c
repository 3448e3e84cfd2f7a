/*
** instrument/admin.c: the admin API under /_ddbwatch/ (JSON, application/json).
**
**   GET    /_ddbwatch/health              status, version, mode, counters
**   GET    /_ddbwatch/findings            {"findings":[...]} oldest first; filters
**                                         ?since=ID (ids greater than ID) &detector=DDB006
**                                         &severity=high (at or above) &requestId=
**                                         &principal= &callsite= &limit=N (newest N)
**   DELETE /_ddbwatch/findings            forget the findings: {"deleted":N}
**   GET    /_ddbwatch/events              {"events":[audit records], "next":SEQ}
**                                         ?since=SEQ &requestId= &limit=N
**   POST   /_ddbwatch/reset               forget findings, events and detector windows
**   POST   /_ddbwatch/flush               write buffered audit records to the file now
**   GET    /_ddbwatch/detectors           the detectors, their severities and settings
**   GET    /_ddbwatch/config              the configuration file as loaded
**   GET    /_ddbwatch/baseline            the baseline being learned or loaded (file form)
**   POST   /_ddbwatch/baseline            write the learned baseline to its file now
*/
#include <stdlib.h>
#include <string.h>

#include "detectors/detectors.h"
#include "http.h"
#include "internal.h"

#define MAX_QUERY_PARAMS 16

struct query {
  char *key[MAX_QUERY_PARAMS], *val[MAX_QUERY_PARAMS];
  int n;
  char *buf; /* decoded copy of the query string (owned) */
};

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decode s in place ('+' is a space). */
static void url_decode(char *s) {
  char *o = s;
  for (; *s; s++) {
    if (*s == '+') *o++ = ' ';
    else if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
      *o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
      s += 2;
    } else *o++ = *s;
  }
  *o = 0;
}

static void parse_query(struct query *q, const char *qs) {
  memset(q, 0, sizeof *q);
  if (!qs) return;
  q->buf = strdup(qs);
  for (char *p = q->buf; p && *p && q->n < MAX_QUERY_PARAMS;) {
    char *amp = strchr(p, '&');
    if (amp) *amp = 0;
    char *eq = strchr(p, '=');
    if (eq) *eq = 0;
    url_decode(p);
    if (eq) url_decode(eq + 1);
    q->key[q->n] = p;
    q->val[q->n] = eq ? eq + 1 : p + strlen(p);
    q->n++;
    p = amp ? amp + 1 : NULL;
  }
}

static const char *qget(const struct query *q, const char *key) {
  for (int i = 0; i < q->n; i++)
    if (strcmp(q->key[i], key) == 0) return q->val[i];
  return NULL;
}

/* A non-negative integer parameter, def when absent, -2 when malformed. */
static long long qint(const struct query *q, const char *key, long long def) {
  const char *v = qget(q, key);
  if (!v) return def;
  char *end;
  long long n = strtoll(v, &end, 10);
  return (*v && !*end && n >= 0) ? n : -2;
}

static void reply(struct http_response *resp, int status, json_t *body) {
  resp->status = status;
  resp->content_type = "application/json";
  resp->body = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(17));
  resp->body_len = resp->body ? strlen(resp->body) : 0;
  json_decref(body);
}

static void reply_text(struct http_response *resp, int status, struct jw *w) {
  resp->status = status;
  resp->content_type = "application/json";
  resp->body = w->buf;
  resp->body_len = w->len;
  w->buf = NULL;
}

static void error(struct http_response *resp, int status, const char *msg) {
  reply(resp, status, json_pack("{ss}", "error", msg));
}

/*------------------------------- Endpoints ---------------------------------*/

static void get_health(struct inst *in, struct http_response *resp) {
  reply(resp, 200,
        json_pack("{ss ss ss sI sI sI ss?}", "status", "ok", "version", DDBWATCH_VERSION, "mode",
                  in->cfg.enforce ? "enforce" : "observe", "requests", (json_int_t)in->requests,
                  "findings", (json_int_t)in->findings_total, "events", (json_int_t)(in->next_event - 1),
                  "auditLog", in->audit_path));
}

static void get_findings(struct inst *in, const struct query *q, struct http_response *resp) {
  long long since = qint(q, "since", 0), limit = qint(q, "limit", 0);
  const char *det = qget(q, "detector"), *sev_s = qget(q, "severity");
  const char *rid = qget(q, "requestId"), *principal = qget(q, "principal");
  const char *callsite = qget(q, "callsite");
  int sev = sev_s ? inst_severity_parse(sev_s) : INST_INFO;
  if (since < 0 || limit < 0) {
    error(resp, 400, "since and limit must be non-negative integers");
    return;
  }
  if (sev < 0) {
    error(resp, 400, "severity must be info, low, medium, high or critical");
    return;
  }
  if (det && inst_detector_find(det) < 0) {
    error(resp, 400, "unknown detector");
    return;
  }
  json_t *list = json_array();
  for (size_t i = 0; i < in->findings.count; i++) {
    const struct inst_finding *f = inst_ring_at(&in->findings, i);
    if (f->id <= (uint64_t)since || f->severity < sev) continue;
    if (det && strcmp(inst_detectors[f->detector].id, det) != 0) continue;
    if (rid && (!f->request_id || strcmp(f->request_id, rid) != 0)) continue;
    if (principal && (!f->principal || strcmp(f->principal, principal) != 0)) continue;
    if (callsite && (!f->callsite || strcmp(f->callsite, callsite) != 0)) continue;
    json_array_append_new(list, inst_finding_json(f));
  }
  if (limit && json_array_size(list) > (size_t)limit) {
    json_t *tail = json_array();
    for (size_t i = json_array_size(list) - (size_t)limit; i < json_array_size(list); i++)
      json_array_append(tail, json_array_get(list, i));
    json_decref(list);
    list = tail;
  }
  reply(resp, 200, json_pack("{so}", "findings", list));
}

static void get_events(struct inst *in, const struct query *q, struct http_response *resp) {
  long long since = qint(q, "since", 0), limit = qint(q, "limit", 0);
  const char *rid = qget(q, "requestId");
  if (since < 0 || limit < 0) {
    error(resp, 400, "since and limit must be non-negative integers");
    return;
  }
  inst_audit_sync(in, false); /* every request answered so far is in the ring */
  pthread_mutex_lock(&in->events_mu);
  size_t first = 0, n = in->events.count;
  while (first < n && ((struct inst_event *)inst_ring_at(&in->events, first))->seq <= (uint64_t)since)
    first++;
  if (limit && !rid && n - first > (size_t)limit) first = n - (size_t)limit;
  struct jw w = {0};
  jw_raw(&w, "{\"events\":[", 11);
  bool any = false;
  uint64_t last = (uint64_t)since;
  for (size_t i = first; i < n; i++) {
    const struct inst_event *ev = inst_ring_at(&in->events, i);
    last = ev->seq;
    if (rid) {
      /* requestID is written as "requestID":"<id>" by audit.c */
      char needle[80];
      snprintf(needle, sizeof needle, "\"requestID\":\"%s\"", rid);
      if (!strstr(ev->text, needle)) continue;
    }
    if (any) jw_raw(&w, ",", 1);
    jw_raw(&w, ev->text, ev->len);
    any = true;
  }
  pthread_mutex_unlock(&in->events_mu);
  char tail[64];
  int tn = snprintf(tail, sizeof tail, "],\"next\":%llu}", (unsigned long long)last);
  jw_raw(&w, tail, (size_t)tn);
  reply_text(resp, 200, &w);
}

static void get_detectors(struct inst *in, struct http_response *resp) {
  json_t *list = json_array();
  for (int i = 0; i < DET_COUNT; i++) {
    const struct inst_detector *d = &inst_detectors[i];
    json_array_append_new(list, json_pack("{ss ss ss ss sb ss ss ss}", "id", d->id, "name", d->name,
                                          "severity", inst_severity_name(d->severity), "maxSeverity",
                                          inst_severity_name(d->max_severity), "enabled",
                                          in->cfg.det[i].enabled, "summary", d->summary,
                                          "description", d->description, "help", d->help));
  }
  reply(resp, 200, json_pack("{so}", "detectors", list));
}

static void reset_state(struct inst *in) {
  inst_ring_clear(&in->findings);
  inst_audit_sync(in, false);
  pthread_mutex_lock(&in->events_mu);
  inst_ring_clear(&in->events);
  pthread_mutex_unlock(&in->events_mu);
  inst_map_clear(&in->walks);
  inst_map_clear(&in->reads);
  inst_map_clear(&in->callsite_tables);
  inst_map_clear(&in->missing);
  inst_map_clear(&in->expr_bursts);
}

void inst_admin(struct inst *in, const struct http_request *req, struct http_response *resp) {
  const char *url = req->url;
  const char *qmark = strchr(url, '?');
  size_t plen = qmark ? (size_t)(qmark - url) : strlen(url);
  char path[64];
  if (plen >= sizeof path) {
    error(resp, 404, "no such admin endpoint");
    return;
  }
  memcpy(path, url, plen);
  path[plen] = 0;
  while (plen > 11 && path[plen - 1] == '/') path[--plen] = 0;
  const char *name = path + strlen("/_ddbwatch/");
  const char *m = req->method;
  bool get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0, del = strcmp(m, "DELETE") == 0;
  struct query q;
  parse_query(&q, qmark ? qmark + 1 : NULL);

  if (strcmp(name, "health") == 0) {
    if (!in) reply(resp, 200, json_pack("{ss ss}", "status", "ok", "version", DDBWATCH_VERSION));
    else if (get) get_health(in, resp);
    else goto bad_method;
  } else if (!in) {
    error(resp, 404, "instrumentation is off");
  } else if (strcmp(name, "findings") == 0) {
    if (get) get_findings(in, &q, resp);
    else if (del) {
      size_t n = in->findings.count;
      inst_ring_clear(&in->findings);
      reply(resp, 200, json_pack("{sI}", "deleted", (json_int_t)n));
    } else goto bad_method;
  } else if (strcmp(name, "events") == 0) {
    if (get) get_events(in, &q, resp);
    else goto bad_method;
  } else if (strcmp(name, "reset") == 0) {
    if (!post) goto bad_method;
    reset_state(in);
    reply(resp, 200, json_pack("{ss}", "status", "ok"));
  } else if (strcmp(name, "flush") == 0) {
    if (!post) goto bad_method;
    inst_flush(in);
    reply(resp, 200, json_pack("{ss}", "status", "ok"));
  } else if (strcmp(name, "detectors") == 0) {
    if (get) get_detectors(in, resp);
    else goto bad_method;
  } else if (strcmp(name, "baseline") == 0) {
    if (get) {
      json_t *doc = inst_baseline_json(&in->bl);
      json_object_set_new(doc, "mode", json_string(in->bl.mode == INST_BL_LEARN    ? "learn"
                                                   : in->bl.mode == INST_BL_FROZEN ? "frozen"
                                                                                   : "none"));
      reply(resp, 200, doc);
    } else if (post) {
      char err[512];
      if (inst_baseline_write(in, err, sizeof err)) error(resp, in->bl.mode == INST_BL_LEARN ? 500 : 409, err);
      else
        reply(resp, 200, json_pack("{ss ss sI sI}", "status", "written", "file", in->bl.path, "callsites",
                                   (json_int_t)json_object_size(in->bl.sites), "requests",
                                   (json_int_t)in->bl.learned));
    } else goto bad_method;
  } else if (strcmp(name, "config") == 0) {
    if (get) reply(resp, 200, in->cfg.source ? json_incref(in->cfg.source) : json_object());
    else goto bad_method;
  } else {
    error(resp, 404, "no such admin endpoint");
  }
  free(q.buf);
  return;

bad_method:
  free(q.buf);
  error(resp, 405, "method not allowed");
}
