/*
** instrument/config.c: the --config file.
**
**   {"tables": [ <CreateTable request bodies> ],
**    "principals": {"setup": ["<access key id>", ...], "app": [...]},
**    "mode": "observe" | "enforce",
**    "enforce": {"minSeverity": "high"},
**    "detectors": {"DDB009": {"maxLimit": 1000}, "DDB013": {"honeyTables": ["admin"]}},
**    "limits": {"findings": 10000, "events": 10000},
**    "auditLog": "path", "audit": {"flushSeconds": 1}}
**
** Every key is optional; unknown keys, detectors and parameters are errors
** (a typo must not silently turn a detector off). The defaults are written
** once, in inst_config_defaults(), and documented in instrument/README.md.
** Declared tables are created through CreateTable's own validation and
** handler, so a bad declaration fails exactly as the request would.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "detectors/detectors.h"
#include "internal.h"
#include "ops/ops.h"
#include "request.h"
#include "storage/store.h"
#include "validate.h"

void inst_config_defaults(struct inst_config *c) {
  memset(c, 0, sizeof *c);
  c->min_severity = INST_HIGH;
  c->max_findings = 10000;
  c->max_events = 10000;
  c->flush_seconds = 1.0;
  for (int i = 0; i < INST_MAX_DETECTORS; i++) c->det[i].enabled = true;
  struct inst_params *p = &c->p;
  p->walk_pages = 5;
  p->walk_window = 60;
  p->walk_percent = 50;
  p->walk_min_items = 100;
  p->max_segments = 16;
  p->max_limit = 1000;
  p->require_limit = true;
  p->max_tables_per_callsite = 1;
  p->enum_distinct = 3;
  p->enum_window = 60;
  p->expr_burst = 3;
  p->expr_window = 60;
  p->max_request_bytes = 1024 * 1024;
  p->max_item_bytes = 300 * 1024;
  p->max_attributes = 200;
  p->max_depth = 16;
  p->new_callsites = true;
  p->deny_attributes = json_pack("[ssssssssssssssss]", "isAdmin", "admin", "role", "roles", "permissions",
                                 "groups", "owner", "ownerId", "tenantId", "accountId", "balance",
                                 "credits", "verified", "emailVerified", "plan", "tier");
  p->sensitive_attributes =
      json_pack("[ssssssssssssssss]", "password", "passwordHash", "passwordSalt", "salt", "hash",
                "token", "accessToken", "refreshToken", "resetToken", "secret", "apiKey", "privateKey",
                "mfaSecret", "ssn", "creditCard", "cardNumber");
}

void inst_config_free(struct inst_config *c) {
  json_decref(c->tables);
  json_decref(c->setup);
  json_decref(c->app);
  json_decref(c->p.honey_tables);
  json_decref(c->p.deny_attributes);
  json_decref(c->p.sensitive_attributes);
  inst_regexes_free(&c->p.canaries);
  json_decref(c->source);
  for (int i = 0; i < INST_MAX_DETECTORS; i++) {
    inst_regexes_free(&c->det[i].allow_tables);
    inst_regexes_free(&c->det[i].allow_callsites);
  }
  memset(c, 0, sizeof *c);
}

/*------------------------------- Parameters --------------------------------*/

enum ptype { P_INT, P_NUM, P_BOOL, P_STRS, P_REGEXES };

/* One tunable of one detector: its JSON key, type, place and lower bound. */
struct param {
  int det;
  const char *key;
  enum ptype type;
  size_t offset; /* in struct inst_params */
  double min;
};

#define P(det, key, type, field, min) {det, key, type, offsetof(struct inst_params, field), min}
static const struct param params[] = {
    P(DET_DDB004, "newCallsites", P_BOOL, new_callsites, 0),
    P(DET_DDB007, "pages", P_INT, walk_pages, 1),
    P(DET_DDB007, "windowSeconds", P_NUM, walk_window, 0.001),
    P(DET_DDB007, "percent", P_NUM, walk_percent, 0.001),
    P(DET_DDB007, "minTableItems", P_INT, walk_min_items, 1),
    P(DET_DDB008, "maxSegments", P_INT, max_segments, 1),
    P(DET_DDB009, "maxLimit", P_INT, max_limit, 1),
    P(DET_DDB009, "requireLimit", P_BOOL, require_limit, 0),
    P(DET_DDB012, "maxTablesPerCallsite", P_INT, max_tables_per_callsite, 1),
    P(DET_DDB013, "distinctTables", P_INT, enum_distinct, 1),
    P(DET_DDB013, "windowSeconds", P_NUM, enum_window, 0.001),
    P(DET_DDB013, "honeyTables", P_STRS, honey_tables, 0),
    P(DET_DDB017, "denyAttributes", P_STRS, deny_attributes, 0),
    P(DET_DDB018, "sensitiveAttributes", P_STRS, sensitive_attributes, 0),
    P(DET_DDB019, "burst", P_INT, expr_burst, 1),
    P(DET_DDB019, "windowSeconds", P_NUM, expr_window, 0.001),
    P(DET_DDB024, "maxRequestBytes", P_INT, max_request_bytes, 1),
    P(DET_DDB024, "maxItemBytes", P_INT, max_item_bytes, 1),
    P(DET_DDB024, "maxAttributes", P_INT, max_attributes, 1),
    P(DET_DDB020, "canaries", P_REGEXES, canaries, 0),
    P(DET_DDB024, "maxDepth", P_INT, max_depth, 1),
};
#undef P

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* A non-empty array of non-empty strings (or empty when allow_empty). */
static int check_strings(const json_t *v, const char *where, char *err, size_t errlen) {
  if (!json_is_array(v)) return fail(err, errlen, "%s must be an array of strings", where);
  size_t i;
  json_t *s;
  json_array_foreach(v, i, s) {
    if (!json_is_string(s) || !json_string_length(s))
      return fail(err, errlen, "%s[%zu] must be a non-empty string", where, i);
  }
  return 0;
}

static int compile_regexes(struct inst_regexes *out, const json_t *v, const char *where, int flags,
                           char *err, size_t errlen) {
  if (check_strings(v, where, err, errlen)) return -1;
  size_t n = json_array_size(v);
  out->re = calloc(n ? n : 1, sizeof *out->re);
  out->src = calloc(n ? n : 1, sizeof *out->src);
  if (!out->re || !out->src) abort();
  for (size_t i = 0; i < n; i++) {
    const char *src = json_string_value(json_array_get(v, i));
    int rc = regcomp(&out->re[i], src, flags);
    if (rc) {
      char msg[128];
      regerror(rc, &out->re[i], msg, sizeof msg);
      return fail(err, errlen, "%s[%zu]: bad regular expression '%s': %s", where, i, src, msg);
    }
    out->src[i] = strdup(src);
    out->n++;
  }
  return 0;
}

static int load_detector(struct inst_config *c, int det, const json_t *obj, const char *where,
                         char *err, size_t errlen) {
  if (!json_is_object(obj)) return fail(err, errlen, "%s must be an object", where);
  const char *key;
  json_t *v;
  char here[160];
  json_object_foreach((json_t *)obj, key, v) {
    snprintf(here, sizeof here, "%s.%s", where, key);
    if (strcmp(key, "enabled") == 0) {
      if (!json_is_boolean(v)) return fail(err, errlen, "%s must be true or false", here);
      c->det[det].enabled = json_is_true(v);
      continue;
    }
    if (strcmp(key, "allowTables") == 0) {
      inst_regexes_free(&c->det[det].allow_tables);
      if (compile_regexes(&c->det[det].allow_tables, v, here, REG_EXTENDED | REG_NOSUB, err, errlen)) return -1;
      continue;
    }
    if (strcmp(key, "allowCallsites") == 0) {
      inst_regexes_free(&c->det[det].allow_callsites);
      if (compile_regexes(&c->det[det].allow_callsites, v, here, REG_EXTENDED | REG_NOSUB, err, errlen)) return -1;
      continue;
    }
    const struct param *p = NULL;
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
      if (params[i].det == det && strcmp(params[i].key, key) == 0) p = &params[i];
    if (!p) return fail(err, errlen, "%s: unknown parameter", here);
    char *field = (char *)&c->p + p->offset;
    switch (p->type) {
    case P_INT:
      if (!json_is_integer(v) || (double)json_integer_value(v) < p->min)
        return fail(err, errlen, "%s must be an integer >= %g", here, p->min);
      *(int64_t *)field = json_integer_value(v);
      break;
    case P_NUM:
      if (!json_is_number(v) || json_number_value(v) < p->min)
        return fail(err, errlen, "%s must be a number >= %g", here, p->min);
      *(double *)field = json_number_value(v);
      break;
    case P_BOOL:
      if (!json_is_boolean(v)) return fail(err, errlen, "%s must be true or false", here);
      *(bool *)field = json_is_true(v);
      break;
    case P_STRS:
      if (!json_is_array(v)) return fail(err, errlen, "%s must be an array of strings", here);
      if (json_array_size(v) && check_strings(v, here, err, errlen)) return -1;
      json_decref(*(json_t **)field);
      *(json_t **)field = json_incref(v);
      break;
    case P_REGEXES:
      inst_regexes_free((struct inst_regexes *)field);
      if (json_is_array(v) && !json_array_size(v)) break;
      if (compile_regexes((struct inst_regexes *)field, v, here, REG_EXTENDED, err, errlen)) return -1;
      break;
    }
  }
  return 0;
}

static int load_principals(struct inst_config *c, const json_t *v, char *err, size_t errlen) {
  if (!json_is_object(v)) return fail(err, errlen, "principals must be an object");
  const char *key;
  json_t *list;
  json_object_foreach((json_t *)v, key, list) {
    char here[64];
    snprintf(here, sizeof here, "principals.%s", key);
    json_t **slot;
    if (strcmp(key, "setup") == 0) slot = &c->setup;
    else if (strcmp(key, "app") == 0) slot = &c->app;
    else return fail(err, errlen, "%s: unknown key (setup or app)", here);
    if (check_strings(list, here, err, errlen)) return -1;
    json_decref(*slot);
    *slot = json_incref(list);
  }
  return 0;
}

int inst_config_from_json(struct inst_config *c, const json_t *root, const char *where, char *err,
                          size_t errlen) {
  char sub[256];
  int rc = 0;
  if (!json_is_object(root)) return fail(err, errlen, "%s: must be a JSON object", where);
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)root, key, v) {
    if (strcmp(key, "tables") == 0) {
      if (!json_is_array(v)) return fail(err, errlen, "%s: tables must be an array", where);
      size_t i;
      json_t *t;
      json_array_foreach(v, i, t) {
        if (!json_is_object(t) || !json_is_string(json_object_get(t, "TableName")))
          return fail(err, errlen, "%s: tables[%zu] must be a CreateTable request with a TableName",
                      where, i);
      }
      json_decref(c->tables);
      c->tables = json_deep_copy(v);
    } else if (strcmp(key, "principals") == 0) {
      rc = load_principals(c, v, sub, sizeof sub);
    } else if (strcmp(key, "mode") == 0) {
      const char *m = json_string_value(v);
      if (m && strcmp(m, "observe") == 0) c->enforce = false;
      else if (m && strcmp(m, "enforce") == 0) c->enforce = true;
      else return fail(err, errlen, "%s: mode must be \"observe\" or \"enforce\"", where);
    } else if (strcmp(key, "enforce") == 0) {
      const char *k2;
      json_t *v2;
      if (!json_is_object(v)) return fail(err, errlen, "%s: enforce must be an object", where);
      json_object_foreach(v, k2, v2) {
        if (strcmp(k2, "minSeverity") != 0)
          return fail(err, errlen, "%s: enforce.%s: unknown key", where, k2);
        int sev = inst_severity_parse(json_string_value(v2));
        if (sev < 0)
          return fail(err, errlen,
                      "%s: enforce.minSeverity must be info, low, medium, high or critical", where);
        c->min_severity = sev;
      }
    } else if (strcmp(key, "detectors") == 0) {
      if (!json_is_object(v)) return fail(err, errlen, "%s: detectors must be an object", where);
      const char *id;
      json_t *d;
      json_object_foreach(v, id, d) {
        int det = inst_detector_find(id);
        if (det < 0) return fail(err, errlen, "%s: detectors.%s: unknown detector", where, id);
        char here[64];
        snprintf(here, sizeof here, "detectors.%s", id);
        rc = load_detector(c, det, d, here, sub, sizeof sub);
        if (rc) break;
      }
    } else if (strcmp(key, "limits") == 0) {
      const char *k2;
      json_t *v2;
      if (!json_is_object(v)) return fail(err, errlen, "%s: limits must be an object", where);
      json_object_foreach(v, k2, v2) {
        size_t *slot = strcmp(k2, "findings") == 0 ? &c->max_findings
                       : strcmp(k2, "events") == 0 ? &c->max_events
                                                   : NULL;
        if (!slot) return fail(err, errlen, "%s: limits.%s: unknown key", where, k2);
        if (!json_is_integer(v2) || json_integer_value(v2) < 1 || json_integer_value(v2) > 10000000)
          return fail(err, errlen, "%s: limits.%s must be an integer from 1 to 10000000", where, k2);
        *slot = (size_t)json_integer_value(v2);
      }
    } else if (strcmp(key, "audit") == 0) {
      const char *k2;
      json_t *v2;
      if (!json_is_object(v)) return fail(err, errlen, "%s: audit must be an object", where);
      json_object_foreach(v, k2, v2) {
        if (strcmp(k2, "flushSeconds") != 0)
          return fail(err, errlen, "%s: audit.%s: unknown key", where, k2);
        if (!json_is_number(v2) || json_number_value(v2) < 0.01 || json_number_value(v2) > 3600)
          return fail(err, errlen, "%s: audit.flushSeconds must be a number from 0.01 to 3600", where);
        c->flush_seconds = json_number_value(v2);
      }
    } else if (strcmp(key, "auditLog") == 0) {
      if (!json_is_string(v)) return fail(err, errlen, "%s: auditLog must be a string", where);
    } else if (strcmp(key, "$schema") == 0 || strcmp(key, "comment") == 0) {
      /* allowed for editors and people */
    } else {
      return fail(err, errlen, "%s: unknown key \"%s\"", where, key);
    }
    if (rc) return fail(err, errlen, "%s: %s", where, sub);
  }
  json_decref(c->source);
  c->source = json_deep_copy(root);
  return 0;
}

int inst_config_load(struct inst_config *c, const char *path, char *err, size_t errlen) {
  json_error_t jerr;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    if (jerr.line <= 0) return fail(err, errlen, "config %s: %s", path, jerr.text);
    return fail(err, errlen, "config %s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
  }
  char where[300];
  snprintf(where, sizeof where, "config %s", path);
  int rc = inst_config_from_json(c, root, where, err, errlen);
  json_decref(root);
  return rc;
}

/*---------------------------- Declared tables ------------------------------*/

int inst_config_create_tables(struct inst *in, struct ddb_server *srv, char *err, size_t errlen) {
  size_t i;
  json_t *body;
  json_array_foreach(in->cfg.tables, i, body) {
    const char *name = json_string_value(json_object_get(body, "TableName"));
    inst_map_put(&in->known_tables, name);
    if (catalog_find(srv->store, name)) continue;

    /* The same path a CreateTable request takes: validation, then the handler. */
    struct ddb_request r;
    memset(&r, 0, sizeof r);
    r.srv = srv;
    r.now = (double)time(NULL);
    snprintf(r.request_id, sizeof r.request_id, "config");
    arena_init(&r.arena);
    r.in = json_deep_copy(body);
    json_t *out = NULL;
    int rc = validate_request("CreateTable", r.in, &r.err);
    if (!rc) rc = op_create_table(&r, &out);
    if (rc)
      fail(err, errlen, "declared table %zu (%s): %s: %s", i, name, ddb_code_name(r.err.code),
           r.err.msg ? r.err.msg : "");
    json_decref(out);
    json_decref(r.in);
    ddb_err_clear(&r.err);
    arena_free(&r.arena);
    if (rc) return -1;
  }
  /* Make them durable now (group commit normally does this at a turn's end). */
  if (store_batch_open(srv->store) && store_flush(srv->store, err, errlen)) return -1;
  return 0;
}
