/*
** instrument/internal.h: what the files of instrument/ share.
**
**   inst.c       lifecycle, principals, known tables, precheck/observe, findings
**   config.c     the --config file, declared tables
**   jsonw.c      a small append-only JSON writer for the hot path
**   map.c        string-keyed maps with fixed-size payloads (detector state)
**   audit.c      the CloudTrail-shaped audit record, events ring, buffered file
**   admin.c      /_ddbwatch/ endpoints
**   report.c     `ddbwatch report`
**   baseline.c   --learn / --baseline: what each call site normally sends
**   facts.c      what the baseline records of one request (templates, types, names)
**   walk.c       a walk over a request body that knows which strings are values
**   detectors/   one file per detector family; the table in detectors.c
*/
#ifndef DDB_INST_INTERNAL_H
#define DDB_INST_INTERNAL_H

#include <pthread.h>
#include <regex.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <uv.h>

#include "inst.h"
#include "request.h"

/*------------------------------ JSON writer --------------------------------*/

/* An append-only JSON text buffer. Commas are placed automatically: a value
** written after another value at the same level gets one, a value right after
** a key or an opening bracket does not. */
struct jw {
  char *buf;   /* malloc'd, NUL-terminated while len < cap */
  size_t len, cap;
  bool comma;  /* the last thing written was a complete value */
};

void jw_reset(struct jw *w);        /* len = 0, keeps the buffer */
void jw_free(struct jw *w);
void jw_grow(struct jw *w, size_t extra); /* room for extra more bytes and a NUL */

/* Verbatim bytes, no comma logic. */
static inline void jw_raw(struct jw *w, const char *s, size_t n) {
  if (w->len + n + 1 > w->cap) jw_grow(w, n);
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = 0;
}

/* "key": for a key without characters to escape. */
static inline void jw_keyn(struct jw *w, const char *key, size_t n) {
  if (w->len + n + 5 > w->cap) jw_grow(w, n + 4);
  char *p = w->buf + w->len;
  if (w->comma) *p++ = ',';
  *p++ = '"';
  memcpy(p, key, n);
  p += n;
  *p++ = '"';
  *p++ = ':';
  *p = 0;
  w->len = (size_t)(p - w->buf);
  w->comma = false;
}
#define jw_key(w, key) jw_keyn((w), (key), strlen(key)) /* strlen of a literal folds */

void jw_obj(struct jw *w);                          /* { */
void jw_obj_end(struct jw *w);                      /* } */
void jw_arr(struct jw *w);                          /* [ */
void jw_arr_end(struct jw *w);                      /* ] */
void jw_str(struct jw *w, const char *s, size_t n); /* quoted, escaped */
void jw_cstr(struct jw *w, const char *s);          /* NULL writes null */
void jw_safe(struct jw *w, const char *s, size_t n); /* quoted, caller vouches: nothing to escape */
#define jw_lit(w, s) jw_safe((w), (s), sizeof(s) - 1)  /* a string literal */
void jw_int(struct jw *w, long long v);
void jw_num(struct jw *w, double v);                /* up to 3 decimals */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_json(struct jw *w, const json_t *v);        /* a jansson value, compact */

/*--------------------------------- Maps ------------------------------------*/

/* A string-keyed hash map whose values are zeroed payloads of one size, owned
** by the map. At most `max` keys: inserting one more empties the map first
** (detector state is a window, not a record, so forgetting is safe). */
struct inst_map {
  struct inst_map_entry **buckets;
  size_t nbuckets, count, max, payload_size;
  void (*free_payload)(void *payload); /* may be NULL */
};

void inst_map_init(struct inst_map *m, size_t payload_size, size_t max,
                   void (*free_payload)(void *));
/* The payload for key, or NULL when absent. */
void *inst_map_get(const struct inst_map *m, const char *key);
/* The payload for key, created zeroed when absent. */
void *inst_map_put(struct inst_map *m, const char *key);
void inst_map_clear(struct inst_map *m);
void inst_map_free(struct inst_map *m);
/* Calls fn(key, payload, arg) for every entry. */
void inst_map_each(const struct inst_map *m, void (*fn)(const char *, void *, void *), void *arg);

/* A sliding window of event times: at most INST_WINDOW_MAX remembered. */
#define INST_WINDOW_MAX 64
struct inst_window {
  double t[INST_WINDOW_MAX];
  int head, n;
};
/* Record an event at now; return how many events fall within (now - span, now]. */
int inst_window_hit(struct inst_window *w, double now, double span);
void inst_window_reset(struct inst_window *w);

/* Items read per event, summed over a sliding window (DDB007). */
struct inst_read_window {
  double t[INST_WINDOW_MAX];
  uint64_t items[INST_WINDOW_MAX];
  int head, n;
};

/* Table names recently not found for one principal (DDB013). */
#define INST_MISSING_MAX 16
struct inst_missing {
  double t[INST_MISSING_MAX];
  char *name[INST_MISSING_MAX]; /* malloc'd */
  int n;
};
void inst_missing_free(void *p);

/* Tables one call site named (DDB012). */
#define INST_CALLSITE_TABLES_MAX 8
struct inst_callsite_tables {
  char *name[INST_CALLSITE_TABLES_MAX]; /* malloc'd */
  int n;
};
void inst_callsite_tables_free(void *p);

/*----------------------------- Configuration -------------------------------*/

struct inst_regexes {
  regex_t *re;
  char **src;
  size_t n;
};
bool inst_regexes_match(const struct inst_regexes *r, const char *s);
void inst_regexes_free(struct inst_regexes *r);

/* Per-detector switches and thresholds, with their documented defaults. */
struct inst_det_config {
  bool enabled;
  struct inst_regexes allow_tables;    /* findings on a matching table are dropped */
  struct inst_regexes allow_callsites; /* findings from a matching call site are dropped */
};

struct inst_params {
  /* DDB004 shape drift */
  bool new_callsites;          /* a call site absent from the baseline is drift */
  /* DDB017 mass assignment */
  json_t *deny_attributes;     /* array of strings (owned) */
  /* DDB018 sensitive projection */
  json_t *sensitive_attributes; /* array of strings (owned) */
  /* DDB020 fuzz canaries */
  struct inst_regexes canaries; /* compiled without REG_NOSUB (the match is evidence) */
  /* DDB007 table walk */
  int64_t walk_pages;          /* chained pages from one call site */
  double walk_window;          /* seconds */
  double walk_percent;         /* of a table's items read */
  int64_t walk_min_items;      /* tables smaller than this are not judged by percent */
  /* DDB008 parallel-scan abuse */
  int64_t max_segments;
  /* DDB009 Limit */
  int64_t max_limit;
  bool require_limit;          /* a Scan without Limit is a finding */
  /* DDB012 unknown or dynamic table */
  int64_t max_tables_per_callsite;
  /* DDB013 enumeration */
  int64_t enum_distinct;
  double enum_window;
  json_t *honey_tables;        /* array of strings (owned) */
  /* DDB019 malformed expressions */
  int64_t expr_burst;
  double expr_window;
  /* DDB024 oversized request or item */
  int64_t max_request_bytes;
  int64_t max_item_bytes;
  int64_t max_attributes;
  int64_t max_depth;
};

#define INST_MAX_DETECTORS 32

struct inst_config {
  json_t *tables;      /* array of CreateTable bodies (owned) */
  json_t *setup;       /* array of access key ids (owned) or NULL */
  json_t *app;         /* array of access key ids (owned) or NULL */
  bool enforce;        /* mode "enforce" */
  int min_severity;    /* enforce.minSeverity */
  size_t max_findings; /* limits.findings */
  size_t max_events;   /* limits.events */
  double flush_seconds;/* audit.flushSeconds */
  struct inst_det_config det[INST_MAX_DETECTORS];
  struct inst_params p;
  json_t *source;      /* the file as loaded, for GET /_ddbwatch/config (owned) */
};

/* Defaults for everything. */
void inst_config_defaults(struct inst_config *c);
/* Load and check a config file; on error fills err ("config FILE: ..."). */
int inst_config_load(struct inst_config *c, const char *path, char *err, size_t errlen);
/* Load from an already parsed object (borrowed); `where` names it in errors. */
int inst_config_from_json(struct inst_config *c, const json_t *root, const char *where, char *err,
                          size_t errlen);
void inst_config_free(struct inst_config *c);
/* Create the declared tables that do not exist yet (CreateTable's own path). */
int inst_config_create_tables(struct inst *in, struct ddb_server *srv, char *err, size_t errlen);

/*------------------------------- Baselines ---------------------------------*/

/* What --learn records and --baseline loads (baseline.c). The sites object maps
** a call site to its sections; in memory every list is a set (an object whose
** keys are the members), and the typed sections map a name to a set of types:
**   {"<callsite>": {"operations": {"GetItem": true}, "keyTypes": {"Users.userId": {"S": true}}}}
** The file has the same shape with sorted arrays for sets (instrument/README.md). */
enum inst_baseline_mode { INST_BL_NONE, INST_BL_LEARN, INST_BL_FROZEN };

struct inst_baseline {
  enum inst_baseline_mode mode;
  char *path;        /* learn: where it is written; frozen: where it was read (owned) */
  json_t *sites;     /* owned; an empty object when none */
  uint64_t learned;  /* requests learned from since start */
};

/* Facts of one request (facts.c), built lazily in its arena. */
enum inst_fact_kind {
  INST_FACT_OPERATION,   /* "GetItem" */
  INST_FACT_TABLE,       /* "Users" */
  INST_FACT_TEMPLATE,    /* "FilterExpression=# = :", "Statement=SELECT ..." */
  INST_FACT_KEY_TYPE,    /* "Users.userId" S (table[/index].attribute) */
  INST_FACT_PLACEHOLDER, /* ":id" S, PartiQL "?1" S */
  INST_FACT_WRITTEN,     /* attribute written (type, or NULL: removed or nested) */
  INST_FACT_RETURNED,    /* top-level attribute name an answer returned */
  INST_FACT_LEGACY_OP,   /* "ScanFilter email EQ", "ConditionalOperator OR" */
  INST_FACT_KINDS
};

#define INST_FACT_UPDATE 0x1 /* WRITTEN by an update action (SET/REMOVE/ADD/DELETE) */

struct inst_fact {
  uint8_t kind;          /* enum inst_fact_kind */
  uint8_t flags;         /* INST_FACT_* */
  const char *name;      /* the member of the baseline section */
  const char *type;      /* AttributeValue type, or NULL */
  const char *table;     /* KEY_TYPE, WRITTEN: the table; or NULL */
  const char *index;     /* KEY_TYPE: the index, or NULL */
  const char *attr;      /* KEY_TYPE: the attribute */
  const char *where;     /* request member it came from, for evidence */
};

struct inst_facts {
  const char *site;      /* the baseline's call site: header, else "Op Table[/Index]" */
  const json_t *bsite;   /* its sections in the baseline, or NULL (when bsite_done) */
  const json_t *bsections[INST_FACT_KINDS]; /* bsite's section objects, looked up on demand */
  unsigned bsections_done;                 /* bit k: bsections[k] is known */
  bool bsite_done;
  struct inst_fact *v;
  int n, cap;
  bool request_done;     /* facts from the request's JSON */
  bool parsed_done;      /* facts from parsed expressions, statements and the answer */
};

/* Section names in the baseline file, by fact kind. */
extern const char *const inst_fact_sections[INST_FACT_KINDS];
/* Sections whose members carry types. */
bool inst_fact_typed(int kind);

/* The request's facts from its JSON alone (usable before the operation).
** Tables and key types are collected only while learning (nothing compares them). */
struct inst_facts *inst_facts_request(struct inst *in, struct inst_trace *t);
/* All of them: plus parsed expressions, PartiQL statements and returned names
** (every name when learning, only sensitive ones otherwise). */
struct inst_facts *inst_facts_all(struct inst *in, struct inst_trace *t);

/* The baseline's call site of a request (arena). */
const char *inst_baseline_site_key(struct inst_trace *t);
/* Start learning (learn) or load a frozen baseline (frozen); both may be
** given: learning then starts from the loaded file. Returns 0 or -1 with err. */
int inst_baseline_open(struct inst *in, const char *learn, const char *frozen, char *err,
                       size_t errlen);
void inst_baseline_free(struct inst_baseline *b);
/* The baseline in its file form (new reference). */
json_t *inst_baseline_json(const struct inst_baseline *b);
/* Write the learned baseline to its file (atomically). Returns 0 or -1 with err. */
int inst_baseline_write(struct inst *in, char *err, size_t errlen);
/* Learn from a finished request (learning mode; skips malformed requests). */
void inst_baseline_learn(struct inst *in, struct inst_trace *t);
/* The sections of a call site, or NULL when the baseline does not know it. */
const json_t *inst_baseline_site(const struct inst *in, const char *site);
/* The same for the request's call site (looked up once per request). */
const json_t *inst_baseline_site_of(const struct inst *in, struct inst_facts *f);
/* Is name in the section of kind (NULL site: no)? */
bool inst_baseline_has(const json_t *site, int kind, const char *name);
/* The same for the request's call site, with its sections looked up once. */
bool inst_baseline_knows(const struct inst *in, struct inst_facts *f, int kind, const char *name);
/* The set of types of name in a typed section, or NULL. */
const json_t *inst_baseline_types(const json_t *site, int kind, const char *name);
/* True when the request is checked against the frozen baseline (frozen mode, app principal). */
bool inst_baseline_checks(const struct inst *in, const struct inst_trace *t);

/* The key schema of a table, or of one of its indexes (index non-NULL). */
struct inst_keys {
  const char *hash, *range; /* range NULL when none */
  char hash_type, range_type; /* 'S', 'N', 'B' */
};
/* False when the table (or index) does not exist. */
bool inst_key_schema(struct inst *in, const char *table, const char *index, struct inst_keys *k);

/* A key attribute a request sends: its table (and index), name and type. */
struct inst_key_use {
  const char *table, *index; /* index NULL for the table's own key */
  const char *attr;
  const char *type;          /* AttributeValue type sent, or NULL */
  const char *where;         /* request member, for evidence */
  char declared;             /* the key schema's type ('S', 'N', 'B'), 0 when unknown */
};
#define INST_KEYS_REQUEST 0x1 /* Key, Item, Keys, batch and transaction keys and items */
#define INST_KEYS_PARSED 0x2  /* key conditions, PartiQL key equalities and INSERT keys */
/* Calls fn for each key attribute of the request from the given sources. */
void inst_each_key(struct inst *in, struct inst_trace *t, unsigned sources,
                   void (*fn)(void *arg, const struct inst_key_use *k), void *arg);

/* A name in a list of names (case-insensitive); deny-lists. */
bool inst_name_listed(const json_t *list, const char *name);
/* The type tag of an AttributeValue ({"S": "x"} -> "S"), or NULL. */
const char *inst_av_type(const json_t *av);
/* Expression text as a template (#names -> #, :values -> :, runs of space one space). */
void inst_append_template(struct jw *w, const char *s);

/*----------------------------- Request walk --------------------------------*/

/* Where a string of a request sits (walk.c). Everything is a name unless the
** API defines it as an AttributeValue (Item, Key, ExpressionAttributeValues,
** AttributeValueList, Value, Parameters, ...), which the walk hands over whole. */
enum inst_pos {
  INST_POS_TABLE,       /* TableName, RequestItems keys, IndexName */
  INST_POS_EXPRESSION,  /* *Expression text */
  INST_POS_STATEMENT,   /* PartiQL statement text */
  INST_POS_ATTRIBUTE,   /* an attribute name: Item/Key members, names in legacy
                           parameters, AttributesToGet, ExpressionAttributeNames values */
  INST_POS_PLACEHOLDER, /* an ExpressionAttributeNames / ExpressionAttributeValues key */
  INST_POS_OTHER,       /* any other string parameter (operators, enums, tokens) */
};

const char *inst_pos_name(int pos); /* "table name", ... */

#define INST_WALK_DEPTH 16

struct inst_walker {
  /* A string in a name position (inst_walk_path() names where it is). */
  void (*name)(struct inst_walker *w, int pos, const char *s, size_t len);
  /* An AttributeValue (its members are values, not names). */
  void (*value)(struct inst_walker *w, const json_t *av);
  bool stop;  /* set by a callback to end the walk */
  struct { const char *name; long index; } seg[INST_WALK_DEPTH]; /* name NULL: [index] */
  int depth;
  char path[512];
};

/* The member path of the current position ("TransactItems[0].Put.TableName"),
** in w's buffer (valid until the next call). */
const char *inst_walk_path(struct inst_walker *w);

/* Walk a request body. */
void inst_walk_request(struct inst_walker *w, const json_t *request);

/*-------------------------------- Findings ---------------------------------*/

struct inst_finding {
  uint64_t id;
  int detector;
  int severity;
  double time;
  char *request_id, *principal, *operation, *table, *callsite, *message;
  json_t *evidence; /* owned */
};

/* A bounded ring of the newest records (findings or audit lines). */
struct inst_ring {
  void **slots;
  size_t cap, head, count; /* head: index of the oldest */
  void (*free_slot)(void *);
};
void inst_ring_init(struct inst_ring *r, size_t cap, void (*free_slot)(void *));
void inst_ring_push(struct inst_ring *r, void *item); /* drops the oldest when full */
/* When the ring is full: make the oldest slot the newest and return it, for
** the caller to overwrite in place (no free, no allocation); else NULL. */
void **inst_ring_recycle(struct inst_ring *r);
void *inst_ring_at(const struct inst_ring *r, size_t i); /* 0 = oldest */
void inst_ring_clear(struct inst_ring *r);
void inst_ring_free(struct inst_ring *r);

/* One audit line kept for GET /_ddbwatch/events. */
struct inst_event {
  uint64_t seq;
  size_t len;
  size_t cap;  /* bytes allocated for text */
  char text[]; /* the JSON record, NUL-terminated */
};

/* A finding as JSON (new reference). */
json_t *inst_finding_json(const struct inst_finding *f);
void inst_finding_write(struct jw *w, const struct inst_finding *f);

/*---------------------------- The instance ---------------------------------*/

struct inst {
  struct inst_config cfg;
  struct inst_baseline bl;    /* --learn / --baseline */
  /* The sensitive names' lengths and first letters, for a quick look at raw answers. */
  bool sensitive_ready;
  uint64_t sensitive_lens;
  uint32_t sensitive_first[8];
  struct ddb_server *srv;     /* set by inst_start */
  bool setup_phase;           /* no principals and no declared tables: everything is
                                 setup until the first data-plane request */
  struct inst_map known_tables;  /* declared, existing at start, created by setup */
  /* detector state */
  struct inst_map walks;      /* DDB007: principal|callsite -> pages window */
  struct inst_map reads;      /* DDB007: principal|table -> items read window */
  struct inst_map callsite_tables; /* DDB012: callsite -> tables seen */
  struct inst_map missing;    /* DDB013: principal -> missing table names */
  struct inst_map expr_bursts;/* DDB019: callsite -> error window */
  /* findings and events */
  struct inst_ring findings;
  uint64_t next_finding;
  struct inst_ring events;
  uint64_t next_event;
  uint64_t requests;          /* observed */
  uint64_t findings_total;    /* raised since start (including dropped from the ring) */
  /* audit log */
  char *audit_path;
  int audit_fd;               /* -1: none */
  struct jw audit_buf;        /* pending file bytes (writer thread) */
  struct jw line;             /* scratch for one record (writer thread) */
  /* The parts of a record that repeat for one client, rendered once: the
  ** identity, source and constant CloudTrail fields; the resources of a table. */
  struct jw prefix;
  char *prefix_key;           /* akid \n user agent \n peer ip \n region */
  size_t prefix_key_len;
  struct jw resources;
  char *resources_table;
  bool audit_error_reported;
  /* The audit writer thread and its queue (audit.c). mu guards the queue
  ** and the flags; events_mu guards the events ring. */
  pthread_t writer;
  bool writer_started;
  pthread_mutex_t mu, events_mu;
  pthread_cond_t work, done;
  struct audit_item *qhead, *qtail;
  struct audit_item *released; /* rendered, for the loop thread to free */
  size_t queued, queued_bytes;
  uint64_t enqueued, processed;
  bool stop, flush_now;
  uint64_t rng;               /* event ids (writer thread) */
  char time_cache[32];
  long long time_cache_sec;
};

/* Raise a finding of detector det on trace t. evidence is stolen (may be
** NULL). Nothing happens when the detector is disabled, already fired on this
** request, or the table or call site is allow-listed. */
void inst_emit(struct inst *in, struct inst_trace *t, int det, int severity, json_t *evidence,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The call site that findings name: the x-ddbwatch-callsite header, else the
** request's shape (built once per request in its arena). */
const char *inst_callsite(struct inst *in, struct inst_trace *t);
/* "Scan Users" / "Query Users/byEmail": the coarse shape, for bursts of
** malformed expressions whose text varies (arena). */
const char *inst_coarse_callsite(struct inst_trace *t);

/* Calls fn for every table name the request names (TableName, RequestItems,
** TransactItems); names of ARNs are reduced to the table name. */
void inst_each_table(const struct inst_trace *t, void (*fn)(void *, const char *), void *arg);
/* "Users" for "Users" or "arn:aws:dynamodb:r:a:table/Users[/...]" (arena when reduced). */
const char *inst_table_name(struct inst_trace *t, const char *name_or_arn);

bool inst_table_known(const struct inst *in, const char *name);

/* Items in a table now, or -1 if it does not exist. */
int64_t inst_table_items(struct inst *in, const char *name);

/* The malformed expression of the request, if any (from server/expr's
** diagnostic, else recovered from DynamoDB's error text). */
struct inst_expr_error {
  const char *expression; /* "FilterExpression", or NULL for unused names/values */
  const char *cls;        /* "syntax", "reserved-word", "undefined-value", ... */
  const char *text;       /* the expression text, or NULL */
  const char *token;      /* or NULL */
  long offset;            /* byte offset of the token in text, -1 unknown */
  const char *message;
};
bool inst_expr_error(struct inst_trace *t, struct inst_expr_error *out);

/* Audit (audit.c). inst_audit_record queues t's record for the writer thread,
** which renders it, keeps it in the events ring and appends it to the file. */
void inst_audit_init(struct inst *in);    /* locks and conditions (inst_new) */
void inst_audit_destroy(struct inst *in); /* (inst_free) */
int inst_audit_start(struct inst *in);  /* start the writer thread */
void inst_audit_stop(struct inst *in);  /* drain, write out, join */
void inst_audit_record(struct inst *in, struct inst_trace *t);
/* Wait until every queued record is rendered (and, with flush, written). */
void inst_audit_sync(struct inst *in, bool flush);
void inst_audit_flush(struct inst *in);

/* requestParameters from a request body's JSON text, redacted as CloudTrail
** does (redact.c); pk/sk name the key attributes an Item shows (or NULL).
** Writes null unless body is a valid JSON object. */
void inst_redact_params(struct jw *w, const char *body, size_t len, const char *pk, const char *sk);

/* Formats t (seconds since the epoch) as 2026-01-02T03:04:05Z (second precision). */
void inst_format_time(double t, char out[32], bool millis);

#endif
