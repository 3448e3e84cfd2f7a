/*
** instrument/report.c: `ddbwatch report`, the findings of an audit log as a
** readable summary, JSON, or SARIF 2.1.0 for code scanning.
**
**   ddbwatch report --audit-log FILE [--format text|json|sarif] [--fail-on SEVERITY]
**                   [--output FILE] [--default-uri URI]
**
** Findings are read from each record's additionalEventData.ddbwatchFindings
** and grouped by detector and call site (SARIF: one result per group). A call
** site "<route>|<file>:<line>" or "<file>:<line>" (from the x-ddbwatch-callsite
** header) gives the result its location; any other call site (the request's
** shape) is reported at --default-uri (default: the audit log's path), line 1.
** Exit status: 0, or 1 when a finding is at or above --fail-on, 2 on usage
** errors or an unreadable log.
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detectors/detectors.h"
#include "internal.h"

static const char report_usage[] =
    "usage: ddbwatch report --audit-log FILE [--format text|json|sarif] [--fail-on SEVERITY]\n"
    "                       [--output FILE] [--default-uri URI]\n"
    "\n"
    "Summarise the findings recorded in an audit log (ddbwatch --audit-log).\n"
    "\n"
    "  --audit-log FILE   the JSON Lines audit log to read\n"
    "  --format FORMAT    text (default): grouped by detector and call site;\n"
    "                     json: the same as JSON; sarif: SARIF 2.1.0 for code scanning\n"
    "  --fail-on SEV      exit 1 when a finding is at or above SEV\n"
    "                     (info, low, medium, high, critical)\n"
    "  --output FILE      write the report to FILE instead of standard output\n"
    "  --default-uri URI  SARIF location of findings whose call site names no file\n"
    "                     (default: the audit log's path)\n";

/* One (detector, call site) group. */
struct group {
  int detector;
  char *callsite;
  int severity;    /* highest seen */
  size_t count;
  json_t *first;   /* the first finding (owned) */
  json_t *request_ids; /* up to 5 (owned) */
};

struct report {
  const char *path;
  size_t records, bad_lines, findings;
  size_t by_severity[INST_CRITICAL + 1];
  struct group *groups;
  size_t ngroups, cap;
};

static struct group *group_for(struct report *r, int det, const char *callsite) {
  for (size_t i = 0; i < r->ngroups; i++)
    if (r->groups[i].detector == det && strcmp(r->groups[i].callsite, callsite) == 0)
      return &r->groups[i];
  if (r->ngroups == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 16;
    r->groups = realloc(r->groups, r->cap * sizeof *r->groups);
    if (!r->groups) abort();
  }
  struct group *g = &r->groups[r->ngroups++];
  memset(g, 0, sizeof *g);
  g->detector = det;
  g->callsite = strdup(callsite);
  g->severity = -1;
  g->request_ids = json_array();
  return g;
}

static void add_finding(struct report *r, json_t *f) {
  int det = inst_detector_find(json_string_value(json_object_get(f, "detector")));
  int sev = inst_severity_parse(json_string_value(json_object_get(f, "severity")));
  if (det < 0 || sev < 0) return;
  const char *cs = json_string_value(json_object_get(f, "callsite"));
  struct group *g = group_for(r, det, cs ? cs : "");
  g->count++;
  if (sev > g->severity) g->severity = sev;
  if (!g->first) g->first = json_incref(f);
  json_t *rid = json_object_get(f, "requestId");
  if (json_is_string(rid) && json_array_size(g->request_ids) < 5) json_array_append(g->request_ids, rid);
  r->findings++;
  r->by_severity[sev]++;
}

static int read_log(struct report *r, FILE *f) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (n == 1 && line[0] == '\n') continue;
    json_t *rec = json_loadb(line, (size_t)n, 0, NULL);
    if (!json_is_object(rec)) {
      r->bad_lines++;
      json_decref(rec);
      continue;
    }
    r->records++;
    size_t i;
    json_t *fd;
    json_array_foreach(json_object_get(json_object_get(rec, "additionalEventData"), "ddbwatchFindings"), i, fd)
        add_finding(r, fd);
    json_decref(rec);
  }
  free(line);
  return 0;
}

/* Groups by detector order, then by severity (highest first), then call site. */
static int group_cmp(const void *a, const void *b) {
  const struct group *x = a, *y = b;
  if (x->detector != y->detector) return x->detector - y->detector;
  if (x->severity != y->severity) return y->severity - x->severity;
  return strcmp(x->callsite, y->callsite);
}

/*-------------------------------- Text -------------------------------------*/

static void write_text(struct report *r, FILE *out, int fail_on, size_t failing) {
  fprintf(out, "ddbwatch report: %s\n", r->path);
  fprintf(out, "%zu requests, %zu findings", r->records, r->findings);
  if (r->findings) {
    const char *sep = " (";
    for (int s = INST_CRITICAL; s >= INST_INFO; s--) {
      if (!r->by_severity[s]) continue;
      fprintf(out, "%s%zu %s", sep, r->by_severity[s], inst_severity_name(s));
      sep = ", ";
    }
    fputs(")", out);
  }
  fputs("\n", out);
  if (r->bad_lines) fprintf(out, "%zu lines could not be read as JSON records\n", r->bad_lines);
  int last = -1;
  for (size_t i = 0; i < r->ngroups; i++) {
    const struct group *g = &r->groups[i];
    const struct inst_detector *d = &inst_detectors[g->detector];
    if (g->detector != last) {
      size_t total = 0;
      for (size_t k = i; k < r->ngroups && r->groups[k].detector == g->detector; k++)
        total += r->groups[k].count;
      fprintf(out, "\n%s %s: %zu finding%s\n", d->id, d->name, total, total == 1 ? "" : "s");
      last = g->detector;
    }
    fprintf(out, "  [%s] %s  (x%zu)\n", inst_severity_name(g->severity), g->callsite, g->count);
    fprintf(out, "      %s\n", json_string_value(json_object_get(g->first, "message")) ?: "");
    fprintf(out, "      request %s\n", json_string_value(json_object_get(g->first, "requestId")) ?: "?");
  }
  if (fail_on >= 0)
    fprintf(out, "\n--fail-on %s: %zu finding%s at or above %s\n", inst_severity_name(fail_on), failing,
            failing == 1 ? "" : "s", inst_severity_name(fail_on));
}

/*-------------------------------- JSON -------------------------------------*/

static json_t *report_json(struct report *r, int fail_on, size_t failing) {
  json_t *sev = json_object(), *groups = json_array();
  for (int s = INST_INFO; s <= INST_CRITICAL; s++)
    json_object_set_new(sev, inst_severity_name(s), json_integer((json_int_t)r->by_severity[s]));
  for (size_t i = 0; i < r->ngroups; i++) {
    const struct group *g = &r->groups[i];
    const struct inst_detector *d = &inst_detectors[g->detector];
    json_array_append_new(groups, json_pack("{ss ss ss ss sI sO sO}", "detector", d->id, "name", d->name,
                                            "severity", inst_severity_name(g->severity), "callsite",
                                            g->callsite, "count", (json_int_t)g->count, "first",
                                            g->first, "requestIds", g->request_ids));
  }
  json_t *o = json_pack("{ss sI sI so so}", "auditLog", r->path, "requests", (json_int_t)r->records,
                        "findings", (json_int_t)r->findings, "bySeverity", sev, "groups", groups);
  json_object_set_new(o, "failOn", fail_on >= 0 ? json_string(inst_severity_name(fail_on)) : json_null());
  json_object_set_new(o, "failing", json_integer((json_int_t)failing));
  return o;
}

/*-------------------------------- SARIF ------------------------------------*/

static const char *sarif_level(int sev) {
  return sev >= INST_HIGH ? "error" : sev == INST_MEDIUM ? "warning" : "note";
}

/* GitHub's scale: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
static const char *security_severity(int sev) {
  static const char *const v[] = {"1.0", "3.0", "5.5", "8.0", "9.5"};
  return v[sev];
}

/* "full-table read" -> "FullTableRead" */
static char *camel_name(const char *name) {
  char *out = malloc(strlen(name) + 1), *o = out;
  if (!out) abort();
  bool up = true;
  for (const char *p = name; *p; p++) {
    if (*p == ' ' || *p == '-' || *p == '/') {
      up = true;
      continue;
    }
    *o++ = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    up = false;
  }
  *o = 0;
  return out;
}

/* A URI reference for a path: bytes outside RFC 3986's safe set are %XX. */
static char *uri_encode(const char *path) {
  static const char safe[] = "-._~/:@!$&'()*+,;=";
  char *out = malloc(strlen(path) * 3 + 1), *o = out;
  if (!out) abort();
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr(safe, *p))
      *o++ = (char)*p;
    else o += sprintf(o, "%%%02X", *p);
  }
  *o = 0;
  return out;
}

/* Split a call site into its file and line: "<route>|<file>:<line>[:<col>]"
** or "<file>:<line>[:<col>]". Returns false when it names no file. */
static bool callsite_location(const char *cs, char **file, long *line) {
  const char *bar = strrchr(cs, '|');
  const char *loc = bar ? bar + 1 : cs;
  const char *end = loc + strlen(loc);
  /* Up to two trailing :number parts; the first of them is the line. */
  const char *colons[2] = {NULL, NULL};
  int n = 0;
  for (const char *p = end; p > loc && n < 2;) {
    const char *q = p;
    while (q > loc && q[-1] >= '0' && q[-1] <= '9') q--;
    if (q == p || q == loc || q[-1] != ':') break;
    colons[n++] = q - 1;
    p = q - 1;
  }
  if (!n) return false;
  const char *line_colon = colons[n - 1];
  if (line_colon == loc || strchr(loc, ' ')) return false;
  *line = strtol(line_colon + 1, NULL, 10);
  if (*line < 1) return false;
  *file = strndup(loc, (size_t)(line_colon - loc));
  return true;
}

static uint64_t fnv1a(const char *a, const char *b) {
  uint64_t h = 1469598103934665603ull;
  for (const char *s = a; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  h = (h ^ 0x1f) * 1099511628211ull;
  for (const char *s = b; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static json_t *report_sarif(struct report *r, const char *default_uri) {
  json_t *rules = json_array();
  for (int i = 0; i < DET_COUNT; i++) {
    const struct inst_detector *d = &inst_detectors[i];
    char *name = camel_name(d->name);
    json_array_append_new(
        rules, json_pack("{ss ss s{ss} s{ss} s{ss} s{ss} s{s[ss] ss ss}}", "id", d->id, "name", name,
                         "shortDescription", "text", d->summary, "fullDescription", "text",
                         d->description, "help", "text", d->help, "defaultConfiguration", "level",
                         sarif_level(d->severity), "properties", "tags", "security", "dynamodb",
                         "security-severity", security_severity(d->max_severity), "precision", "high"));
    free(name);
  }
  json_t *results = json_array();
  char *fallback = uri_encode(default_uri);
  for (size_t i = 0; i < r->ngroups; i++) {
    const struct group *g = &r->groups[i];
    const struct inst_detector *d = &inst_detectors[g->detector];
    char *file = NULL, *uri;
    long line = 1;
    if (callsite_location(g->callsite, &file, &line)) {
      uri = uri_encode(file);
      free(file);
    } else {
      uri = strdup(fallback);
      line = 1;
    }
    const char *msg = json_string_value(json_object_get(g->first, "message")) ?: d->summary;
    char *text;
    if (asprintf(&text, "%s: %s (%zu occurrence%s at call site %s)", d->id, msg, g->count,
                 g->count == 1 ? "" : "s", g->callsite) < 0)
      abort();
    char hash[40];
    snprintf(hash, sizeof hash, "%016llx:1", (unsigned long long)fnv1a(d->id, g->callsite));
    json_array_append_new(
        results,
        json_pack("{ss si ss s{ss} s[{s{s{ss} s{si}}}] s{ss} s{ss ss sI sO}}", "ruleId", d->id,
                  "ruleIndex", g->detector, "level", sarif_level(g->severity), "message", "text", text,
                  "locations", "physicalLocation", "artifactLocation", "uri", uri, "region",
                  "startLine", (int)line, "partialFingerprints", "primaryLocationLineHash", hash,
                  "properties", "callsite", g->callsite, "severity", inst_severity_name(g->severity),
                  "count", (json_int_t)g->count, "requestIds", g->request_ids));
    free(text);
    free(uri);
  }
  free(fallback);
  return json_pack("{ss ss s[{s{s{ss ss so}} so}]}", "$schema",
                   "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
                   "driver", "name", "ddbwatch", "version", DDBWATCH_VERSION, "rules", rules,
                   "results", results);
}

/*------------------------------ Entry point --------------------------------*/

int inst_report_main(int argc, char **argv) {
  const char *log = NULL, *format = "text", *fail_s = NULL, *output = NULL, *default_uri = NULL;
  static const struct option opts[] = {{"audit-log", required_argument, NULL, 'a'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"fail-on", required_argument, NULL, 'F'},
                                       {"output", required_argument, NULL, 'o'},
                                       {"default-uri", required_argument, NULL, 'u'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'a': log = optarg; break;
    case 'f': format = optarg; break;
    case 'F': fail_s = optarg; break;
    case 'o': output = optarg; break;
    case 'u': default_uri = optarg; break;
    case 'h': fputs(report_usage, stdout); return 0;
    default: fputs(report_usage, stderr); return 2;
    }
  }
  if (optind < argc || !log) {
    fprintf(stderr, "ddbwatch report: %s\n%s", log ? "unexpected argument" : "--audit-log is required",
            report_usage);
    return 2;
  }
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "sarif") != 0) {
    fprintf(stderr, "ddbwatch report: --format must be text, json or sarif, not '%s'\n", format);
    return 2;
  }
  int fail_on = fail_s ? inst_severity_parse(fail_s) : -1;
  if (fail_s && fail_on < 0) {
    fprintf(stderr, "ddbwatch report: --fail-on must be info, low, medium, high or critical, not '%s'\n",
            fail_s);
    return 2;
  }
  FILE *in = fopen(log, "r");
  if (!in) {
    fprintf(stderr, "ddbwatch report: %s: %m\n", log);
    return 2;
  }
  struct report r = {.path = log};
  read_log(&r, in);
  fclose(in);
  if (r.ngroups) qsort(r.groups, r.ngroups, sizeof *r.groups, group_cmp);
  size_t failing = 0;
  for (int s = fail_on >= 0 ? fail_on : INST_CRITICAL + 1; s <= INST_CRITICAL; s++) failing += r.by_severity[s];

  FILE *out = output ? fopen(output, "w") : stdout;
  if (!out) {
    fprintf(stderr, "ddbwatch report: %s: %m\n", output);
    return 2;
  }
  if (strcmp(format, "text") == 0) {
    write_text(&r, out, fail_on, failing);
  } else {
    json_t *doc = strcmp(format, "json") == 0 ? report_json(&r, fail_on, failing)
                                              : report_sarif(&r, default_uri ? default_uri : log);
    json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    fputs("\n", out);
    json_decref(doc);
  }
  int rc = 0;
  if (out != stdout && fclose(out)) {
    fprintf(stderr, "ddbwatch report: %s: %m\n", output);
    rc = 2;
  }
  for (size_t i = 0; i < r.ngroups; i++) {
    free(r.groups[i].callsite);
    json_decref(r.groups[i].first);
    json_decref(r.groups[i].request_ids);
  }
  free(r.groups);
  if (rc) return rc;
  return failing ? 1 : 0;
}
