/*
** instrument/baseline.c: what each call site normally sends (--learn, --baseline).
**
** `ddbwatch --learn FILE` records, per call site, the facts of every request an
** app principal makes during the app's normal tests (facts.c): operations,
** tables, expression and statement templates, key and placeholder types,
** attributes written and returned, legacy operators. The file is written on
** SIGINT/SIGTERM and on POST /_ddbwatch/baseline. `ddbwatch --baseline FILE`
** loads it frozen; the baseline detectors report what falls outside it.
**
** The file is meant to be read, reviewed and committed: JSON with sorted keys,
** one object per call site, every list sorted, two-space indentation, so that
** learning twice from the same tests writes the same bytes:
**
**   {"ddbwatchBaseline": 1,
**    "callsites": {"GET /users/:id|src/app.js:24": {
**        "keyTypes": {"Users.userId": ["S"]}, "operations": ["GetItem"],
**        "returnedAttributes": ["displayName", "userId"], "tables": ["Users"]}}}
**
** In memory every list is a set (an object whose members are true) and each
** typed section maps a name to such a set of types.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define BASELINE_VERSION 1
/* Bounds that keep a learning run fed by a fuzzer from growing without end. */
#define MAX_SITES 10000
#define MAX_MEMBERS 2000

const char *inst_baseline_site_key(struct inst_trace *t) {
  return t->callsite ? t->callsite : inst_coarse_callsite(t);
}

bool inst_baseline_checks(const struct inst *in, const struct inst_trace *t) {
  return in->bl.mode == INST_BL_FROZEN && t->principal_class == INST_PRINCIPAL_APP;
}

const json_t *inst_baseline_site(const struct inst *in, const char *site) {
  return site ? json_object_get(in->bl.sites, site) : NULL;
}

const json_t *inst_baseline_site_of(const struct inst *in, struct inst_facts *f) {
  if (!f->bsite_done) {
    f->bsite = inst_baseline_site(in, f->site);
    f->bsite_done = true;
  }
  return f->bsite;
}

bool inst_baseline_knows(const struct inst *in, struct inst_facts *f, int kind, const char *name) {
  if (!inst_baseline_site_of(in, f) || !name) return false;
  if (!(f->bsections_done & 1u << kind)) {
    f->bsections[kind] = json_object_get(f->bsite, inst_fact_sections[kind]);
    f->bsections_done |= 1u << kind;
  }
  return f->bsections[kind] && json_object_get(f->bsections[kind], name) != NULL;
}

bool inst_baseline_has(const json_t *site, int kind, const char *name) {
  return site && name && json_object_get(json_object_get(site, inst_fact_sections[kind]), name) != NULL;
}

const json_t *inst_baseline_types(const json_t *site, int kind, const char *name) {
  if (!site || !name) return NULL;
  return json_object_get(json_object_get(site, inst_fact_sections[kind]), name);
}

void inst_baseline_free(struct inst_baseline *b) {
  free(b->path);
  json_decref(b->sites);
  memset(b, 0, sizeof *b);
}

/*------------------------------ File form ----------------------------------*/

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A set (object of members) as a sorted array of its member names. */
static json_t *set_to_array(const json_t *set) {
  size_t n = json_object_size(set), i = 0;
  const char **names = malloc((n ? n : 1) * sizeof *names);
  if (!names) abort();
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)set, k, v) names[i++] = k;
  qsort(names, n, sizeof *names, cmp_cstr);
  json_t *a = json_array();
  for (i = 0; i < n; i++) json_array_append_new(a, json_string(names[i]));
  free(names);
  return a;
}

json_t *inst_baseline_json(const struct inst_baseline *b) {
  json_t *sites = json_object();
  const char *site;
  json_t *sections;
  json_object_foreach(b->sites, site, sections) {
    json_t *out = json_object();
    for (int k = 0; k < INST_FACT_KINDS; k++) {
      const json_t *sec = json_object_get(sections, inst_fact_sections[k]);
      if (!json_object_size(sec)) continue;
      if (!inst_fact_typed(k)) {
        json_object_set_new(out, inst_fact_sections[k], set_to_array(sec));
        continue;
      }
      json_t *typed = json_object();
      const char *name;
      json_t *types;
      json_object_foreach((json_t *)sec, name, types) json_object_set_new(typed, name, set_to_array(types));
      json_object_set_new(out, inst_fact_sections[k], typed);
    }
    json_object_set_new(sites, site, out);
  }
  return json_pack("{si so}", "ddbwatchBaseline", BASELINE_VERSION, "callsites", sites);
}

int inst_baseline_write(struct inst *in, char *err, size_t errlen) {
  struct inst_baseline *b = &in->bl;
  if (b->mode != INST_BL_LEARN || !b->path) {
    snprintf(err, errlen, "not learning a baseline (start ddbwatch with --learn FILE)");
    return -1;
  }
  json_t *doc = inst_baseline_json(b);
  char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
  json_decref(doc);
  if (!text) abort();
  size_t n = strlen(text);
  char *tmp = NULL;
  if (asprintf(&tmp, "%s.tmp%ld", b->path, (long)getpid()) < 0) abort();
  FILE *f = fopen(tmp, "w");
  int rc = -1;
  if (f) {
    bool ok = fwrite(text, 1, n, f) == n && fputc('\n', f) != EOF;
    ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp, b->path) == 0) rc = 0;
  }
  if (rc) {
    snprintf(err, errlen, "--learn %s: %s", b->path, strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  free(text);
  return rc;
}

/*-------------------------------- Loading ----------------------------------*/

static int bad(char *err, size_t errlen, const char *path, const char *site, const char *what) {
  if (site) snprintf(err, errlen, "baseline %s: callsites[\"%.200s\"]%s", path, site, what);
  else snprintf(err, errlen, "baseline %s: %s", path, what);
  return -1;
}

/* An array of strings into a set; NULL when v is not an array of strings. */
static json_t *array_to_set(const json_t *v) {
  if (!json_is_array(v)) return NULL;
  json_t *set = json_object();
  size_t i;
  json_t *s;
  json_array_foreach(v, i, s) {
    if (!json_is_string(s)) {
      json_decref(set);
      return NULL;
    }
    json_object_set_new(set, json_string_value(s), json_true());
  }
  return set;
}

static int section_kind(const char *name) {
  for (int k = 0; k < INST_FACT_KINDS; k++)
    if (strcmp(inst_fact_sections[k], name) == 0) return k;
  return -1;
}

static int say(char *what, size_t wlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char *what, size_t wlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, wlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* Load one call site's sections into mem; fills what (the failing member) on error. */
static int load_site(json_t *mem, const json_t *sections, char *what, size_t wlen) {
  if (!json_is_object(sections)) return say(what, wlen, " must be an object");
  const char *sec;
  json_t *v;
  json_object_foreach((json_t *)sections, sec, v) {
    int k = section_kind(sec);
    if (k < 0) return say(what, wlen, ".%s: unknown section", sec);
    if (!inst_fact_typed(k)) {
      json_t *set = array_to_set(v);
      if (!set) return say(what, wlen, ".%s must be an array of strings", sec);
      json_object_set_new(mem, sec, set);
      continue;
    }
    if (!json_is_object(v)) return say(what, wlen, ".%s must be an object of arrays of type names", sec);
    json_t *typed = json_object();
    json_object_set_new(mem, sec, typed);
    const char *name;
    json_t *types;
    json_object_foreach(v, name, types) {
      json_t *set = array_to_set(types);
      if (!set) return say(what, wlen, ".%s[\"%.60s\"] must be an array of type names", sec, name);
      json_object_set_new(typed, name, set);
    }
  }
  return 0;
}

/* Read a baseline file into sites (a new object). */
static int load(const char *path, json_t **sites, char *err, size_t errlen) {
  json_error_t jerr;
  json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (!doc) {
    if (jerr.line <= 0) snprintf(err, errlen, "baseline %s: %s", path, jerr.text);
    else snprintf(err, errlen, "baseline %s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    return -1;
  }
  int rc = 0;
  json_t *out = json_object();
  const json_t *version = json_object_get(doc, "ddbwatchBaseline");
  const json_t *in_sites = json_object_get(doc, "callsites");
  if (!json_is_object(doc) || !json_is_integer(version) || json_integer_value(version) != BASELINE_VERSION) {
    rc = bad(err, errlen, path, NULL, "not a ddbwatch baseline (\"ddbwatchBaseline\": 1 is missing)");
  } else if (!json_is_object(in_sites)) {
    rc = bad(err, errlen, path, NULL, "\"callsites\" must be an object");
  }
  const char *site;
  json_t *sections;
  json_object_foreach(rc ? NULL : (json_t *)in_sites, site, sections) {
    json_t *mem = json_object();
    json_object_set_new(out, site, mem);
    char what[160];
    if (load_site(mem, sections, what, sizeof what)) {
      rc = bad(err, errlen, path, site, what);
      break;
    }
  }
  json_decref(doc);
  if (rc) {
    json_decref(out);
    return -1;
  }
  *sites = out;
  return 0;
}

int inst_baseline_open(struct inst *in, const char *learn, const char *frozen, char *err,
                       size_t errlen) {
  struct inst_baseline *b = &in->bl;
  inst_baseline_free(b);
  if (frozen) {
    if (load(frozen, &b->sites, err, errlen)) return -1;
    b->mode = INST_BL_FROZEN;
    b->path = strdup(frozen);
  }
  if (learn) {
    /* Fail now, not at shutdown, when the file cannot be written. */
    FILE *f = fopen(learn, "a");
    if (!f) {
      snprintf(err, errlen, "--learn %s: %s", learn, strerror(errno));
      inst_baseline_free(b);
      return -1;
    }
    fclose(f);
    b->mode = INST_BL_LEARN;
    free(b->path);
    b->path = strdup(learn);
  }
  if (!b->sites) b->sites = json_object();
  return 0;
}

int inst_baseline_start(struct inst *in, const char *learn_path, const char *baseline_path, char *err,
                        size_t errlen) {
  if (!in) return 0;
  return inst_baseline_open(in, learn_path, baseline_path, err, errlen);
}

/*-------------------------------- Learning ---------------------------------*/

/* The member set of a section, created when missing. */
static json_t *section(json_t *site, int kind) {
  json_t *sec = json_object_get(site, inst_fact_sections[kind]);
  if (!sec) {
    sec = json_object();
    json_object_set_new(site, inst_fact_sections[kind], sec);
  }
  return sec;
}

void inst_baseline_learn(struct inst *in, struct inst_trace *t) {
  struct inst_baseline *b = &in->bl;
  if (b->mode != INST_BL_LEARN || t->principal_class != INST_PRINCIPAL_APP || !t->arena || !t->op_known)
    return;
  /* Malformed or refused requests (a transaction cancelled for a ValidationError
  ** included) are not the app's normal traffic. */
  if (t->error_type && (strcmp(t->error_type, "ValidationException") == 0 ||
                        strcmp(t->error_type, "SerializationException") == 0 ||
                        strcmp(t->error_type, "AccessDeniedException") == 0 || t->status >= 500 ||
                        (t->error_message && strstr(t->error_message, "ValidationError"))))
    return;
  struct inst_facts *f = inst_facts_all(in, t);
  json_t *site = json_object_get(b->sites, f->site);
  if (!site) {
    if (json_object_size(b->sites) >= MAX_SITES) return;
    site = json_object();
    json_object_set_new(b->sites, f->site, site);
  }
  for (int i = 0; i < f->n; i++) {
    const struct inst_fact *x = &f->v[i];
    json_t *sec = section(site, x->kind);
    json_t *member = json_object_get(sec, x->name);
    if (!member) {
      if (json_object_size(sec) >= MAX_MEMBERS) continue;
      member = inst_fact_typed(x->kind) ? json_object() : json_true();
      json_object_set_new(sec, x->name, member);
    }
    if (x->type && json_is_object(member) && json_object_size(member) < 16)
      json_object_set_new(member, x->type, json_true());
  }
  b->learned++;
}
