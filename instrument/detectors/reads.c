/*
** instrument/detectors/reads.c: reads that cost more than they should.
**   DDB006 full-table read     a Scan, or a PartiQL SELECT not bounded by the partition key
**   DDB007 table walk          many chained pages, or most of a table, from one call site
**   DDB008 parallel-scan abuse TotalSegments above a threshold
**   DDB009 Limit               a Scan without Limit, or a huge Limit
*/
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "detectors.h"
#include "storage/store.h"

static bool op_is(const struct inst_trace *t, const char *name) {
  return t->operation && strcmp(t->operation, name) == 0;
}

static json_t *int_or_null(int64_t v) { return v >= 0 ? json_integer(v) : json_null(); }

/*------------------------- PartiQL full-scan check -------------------------*/

enum { TK_WORD, TK_QIDENT, TK_STRING, TK_NUMBER, TK_PUNCT };

struct ptok {
  int kind;
  const char *s; /* start (for QIDENT: inside the quotes) */
  size_t n;
};

#define PQL_MAX_TOKENS 1024

/* Split a statement into tokens; returns the count, or -1 when it is too long
** or unterminated (then it is not judged). */
static int pql_tokens(const char *s, struct ptok *out, int max) {
  int n = 0;
  while (*s) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
      s++;
      continue;
    }
    if (n == max) return -1;
    struct ptok *t = &out[n++];
    if (*s == '"' || *s == '\'') {
      char q = *s++;
      t->kind = q == '"' ? TK_QIDENT : TK_STRING;
      t->s = s;
      while (*s && !(*s == q && s[1] != q)) s += (*s == q) ? 2 : 1;
      if (!*s) return -1;
      t->n = (size_t)(s - t->s);
      s++;
    } else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_') {
      t->kind = TK_WORD;
      t->s = s;
      while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
             *s == '_')
        s++;
      t->n = (size_t)(s - t->s);
    } else if ((*s >= '0' && *s <= '9') || *s == '-') {
      t->kind = TK_NUMBER;
      t->s = s++;
      while ((*s >= '0' && *s <= '9') || *s == '.' || *s == 'e' || *s == 'E') s++;
      t->n = (size_t)(s - t->s);
    } else {
      t->kind = TK_PUNCT;
      t->s = s;
      t->n = (strchr("<>!", *s) && (s[1] == '=' || s[1] == '>')) ? 2 : 1;
      s += t->n;
    }
  }
  return n;
}

static bool word_is(const struct ptok *t, const char *w) {
  return t->kind == TK_WORD && t->n == strlen(w) && strncasecmp(t->s, w, t->n) == 0;
}

static bool punct_is(const struct ptok *t, const char *p) {
  return t->kind == TK_PUNCT && t->n == strlen(p) && strncmp(t->s, p, t->n) == 0;
}

static bool ident_is(const struct ptok *t, const char *name) {
  if (t->kind == TK_QIDENT) return t->n == strlen(name) && strncmp(t->s, name, t->n) == 0;
  return t->kind == TK_WORD && t->n == strlen(name) && strncasecmp(t->s, name, t->n) == 0;
}

/* The partition key of a table or of one of its indexes, or NULL. */
static const char *partition_key(struct inst *in, const char *table, const char *index) {
  if (!in->srv || !in->srv->store) return NULL;
  struct table *tbl = catalog_find(in->srv->store, table);
  if (!tbl) return NULL;
  if (!index) return tbl->pk;
  const char *kinds[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
  for (int k = 0; k < 2; k++) {
    size_t i;
    json_t *ix;
    json_array_foreach(json_object_get(tbl->desc, kinds[k]), i, ix) {
      if (strcmp(json_string_value(json_object_get(ix, "IndexName")) ?: "", index) != 0) continue;
      return json_string_value(json_object_get(json_array_get(json_object_get(ix, "KeySchema"), 0),
                                               "AttributeName"));
    }
  }
  return NULL;
}

/* 1 when a SELECT reads the whole table (no top-level partition-key = or IN,
** or a top-level OR), 0 when bounded, -1 when not a SELECT or not judged.
** *table receives the table name (arena). */
static int pql_full_scan(struct inst *in, struct inst_trace *t, const char *stmt,
                         const char **table) {
  struct ptok tok[PQL_MAX_TOKENS];
  int n = pql_tokens(stmt, tok, PQL_MAX_TOKENS);
  if (n < 4 || !word_is(&tok[0], "SELECT")) return -1;
  int depth = 0, i = 1;
  for (; i < n; i++) {
    if (punct_is(&tok[i], "(") || punct_is(&tok[i], "[")) depth++;
    else if (punct_is(&tok[i], ")") || punct_is(&tok[i], "]")) depth--;
    else if (depth == 0 && word_is(&tok[i], "FROM")) break;
  }
  if (i + 1 >= n || (tok[i + 1].kind != TK_QIDENT && tok[i + 1].kind != TK_WORD)) return -1;
  *table = arena_strndup(t->arena, tok[i + 1].s, tok[i + 1].n);
  const char *index = NULL;
  i += 2;
  if (i + 1 < n && punct_is(&tok[i], ".") &&
      (tok[i + 1].kind == TK_QIDENT || tok[i + 1].kind == TK_WORD)) {
    index = arena_strndup(t->arena, tok[i + 1].s, tok[i + 1].n);
    i += 2;
  }
  if (i >= n || !word_is(&tok[i], "WHERE")) return 1;
  const char *pk = partition_key(in, *table, index);
  if (!pk) return -1;
  /* Top-level conjuncts of the WHERE clause. */
  depth = 0;
  bool between = false, at_start = true;
  for (i++; i < n; i++) {
    if (punct_is(&tok[i], "(") || punct_is(&tok[i], "[")) {
      depth++;
      at_start = false;
      continue;
    }
    if (punct_is(&tok[i], ")") || punct_is(&tok[i], "]")) {
      depth--;
      continue;
    }
    if (depth) continue;
    if (word_is(&tok[i], "OR")) return 1;
    if (word_is(&tok[i], "BETWEEN")) between = true;
    if (word_is(&tok[i], "AND")) {
      if (between) between = false;
      else at_start = true;
      continue;
    }
    if (at_start) {
      at_start = false;
      if (ident_is(&tok[i], pk) && i + 1 < n && (punct_is(&tok[i + 1], "=") || word_is(&tok[i + 1], "IN")))
        return 0;
      if (i + 2 < n && punct_is(&tok[i + 1], "=") && ident_is(&tok[i + 2], pk)) return 0;
    }
  }
  return 1;
}

/*---------------------------------- DDB006 ---------------------------------*/

void det_full_read_pre(struct inst *in, struct inst_trace *t) {
  int sev = t->principal_class == INST_PRINCIPAL_APP ? INST_HIGH : INST_MEDIUM;
  const char *who = t->principal_class == INST_PRINCIPAL_APP ? "app" : "setup";
  if (op_is(t, "Scan")) {
    json_t *ev = json_pack("{ss? ss? so so so sb}", "table", t->table, "index", t->index, "limit",
                           int_or_null(t->limit), "segment", int_or_null(t->segment), "totalSegments",
                           int_or_null(t->total_segments), "filtered",
                           json_object_get(t->request, "FilterExpression") ||
                               json_object_get(t->request, "ScanFilter"));
    inst_emit(in, t, DET_DDB006, sev, ev, "Scan of %s%s%s by %s principal '%s' reads the whole table",
              t->table ? t->table : "?", t->index ? "/" : "", t->index ? t->index : "", who,
              t->principal);
    return;
  }
  /* PartiQL: each SELECT statement of the request. */
  const char *stmts[26];
  int nst = 0;
  if (op_is(t, "ExecuteStatement")) {
    stmts[nst] = json_string_value(json_object_get(t->request, "Statement"));
    if (stmts[nst]) nst++;
  } else if (op_is(t, "BatchExecuteStatement") || op_is(t, "ExecuteTransaction")) {
    const char *list = op_is(t, "ExecuteTransaction") ? "TransactStatements" : "Statements";
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(t->request, list), i, s) {
      const char *text = json_string_value(json_object_get(s, "Statement"));
      if (text && nst < 26) stmts[nst++] = text;
    }
  }
  for (int i = 0; i < nst; i++) {
    const char *table = NULL;
    if (pql_full_scan(in, t, stmts[i], &table) != 1) continue;
    if (!t->table) t->table = table;
    inst_emit(in, t, DET_DDB006, sev, json_pack("{ss}", "table", table),
              "PartiQL SELECT on %s by %s principal '%s' has no partition-key equality: it reads "
              "the whole table",
              table, who, t->principal);
    return;
  }
}

/* After the operation: server/ops/partiql.c's own parse of each statement is
** authoritative (the lexical check above is what enforce mode can use). */
void det_full_read_post(struct inst *in, struct inst_trace *t) {
  for (int i = 0; i < t->npartiql; i++) {
    const struct inst_partiql *p = &t->partiql[i];
    if (!p->full_scan || !p->verb || strcmp(p->verb, "SELECT") != 0) continue;
    bool app = t->principal_class == INST_PRINCIPAL_APP;
    if (!t->table) t->table = p->table;
    inst_emit(in, t, DET_DDB006, app ? INST_HIGH : INST_MEDIUM,
              json_pack("{ss? ss? sb}", "table", p->table, "index", p->index, "topLevelOr", p->top_or),
              "PartiQL SELECT on %s by %s principal '%s' has no partition-key equality: it reads "
              "the whole table",
              p->table ? p->table : "?", app ? "app" : "setup", t->principal);
    return;
  }
}

/*---------------------------------- DDB007 ---------------------------------*/

static const char *walk_key(struct inst *in, struct inst_trace *t, const char *what) {
  return arena_printf(t->arena, "%s\x1f%s", t->principal ? t->principal : "", what);
  (void)in;
}

void det_walk_pre(struct inst *in, struct inst_trace *t) {
  if (!t->exclusive_start_key || !(op_is(t, "Scan") || op_is(t, "Query")) || !t->arena) return;
  const struct inst_params *p = &in->cfg.p;
  const char *cs = inst_callsite(in, t);
  struct inst_window *w = inst_map_put(&in->walks, walk_key(in, t, cs));
  int chained = inst_window_hit(w, t->time, p->walk_window);
  if (chained + 1 < p->walk_pages) return;
  inst_window_reset(w);
  inst_emit(in, t, DET_DDB007, INST_HIGH,
            json_pack("{sI sf ss? ss}", "pages", (json_int_t)(chained + 1), "windowSeconds",
                      p->walk_window, "table", t->table, "callsite", cs),
            "%s walked %d pages of %s with ExclusiveStartKey within %g s", cs, chained + 1,
            t->table ? t->table : "?", p->walk_window);
}

void det_walk_post(struct inst *in, struct inst_trace *t) {
  if (!t->counts_set || t->status != 200 || !t->table || !t->items_scanned || !t->arena ||
      !(op_is(t, "Scan") || op_is(t, "Query")))
    return;
  const struct inst_params *p = &in->cfg.p;
  struct inst_read_window *r = inst_map_put(&in->reads, walk_key(in, t, t->table));
  while (r->n && r->t[r->head] <= t->time - p->walk_window) {
    r->head = (r->head + 1) % INST_WINDOW_MAX;
    r->n--;
  }
  if (r->n == INST_WINDOW_MAX) {
    r->head = (r->head + 1) % INST_WINDOW_MAX;
    r->n--;
  }
  int slot = (r->head + r->n) % INST_WINDOW_MAX;
  r->t[slot] = t->time;
  r->items[slot] = t->items_scanned;
  r->n++;
  uint64_t sum = 0;
  for (int i = 0; i < r->n; i++) sum += r->items[(r->head + i) % INST_WINDOW_MAX];
  int64_t total = inst_table_items(in, t->table);
  if (total < p->walk_min_items || (double)sum * 100.0 < p->walk_percent * (double)total) return;
  r->n = 0;
  double pct = 100.0 * (double)sum / (double)total;
  inst_emit(in, t, DET_DDB007, INST_HIGH,
            json_pack("{sI sI sf sf ss}", "itemsRead", (json_int_t)sum, "tableItems", (json_int_t)total,
                      "percent", pct, "windowSeconds", p->walk_window, "table", t->table),
            "principal '%s' read %llu items of %s (%.0f%% of its %lld items) within %g s",
            t->principal, (unsigned long long)sum, t->table, pct, (long long)total, p->walk_window);
}

/*---------------------------------- DDB008 ---------------------------------*/

void det_segments_pre(struct inst *in, struct inst_trace *t) {
  int64_t max = in->cfg.p.max_segments;
  if (t->total_segments <= max) return;
  inst_emit(in, t, DET_DDB008, INST_MEDIUM,
            json_pack("{sI sI}", "totalSegments", (json_int_t)t->total_segments, "maxSegments",
                      (json_int_t)max),
            "Scan of %s with TotalSegments %lld (threshold %lld)", t->table ? t->table : "?",
            (long long)t->total_segments, (long long)max);
}

/*---------------------------------- DDB009 ---------------------------------*/

void det_limit_pre(struct inst *in, struct inst_trace *t) {
  const struct inst_params *p = &in->cfg.p;
  bool scan = op_is(t, "Scan");
  if (scan && t->limit < 0 && p->require_limit) {
    inst_emit(in, t, DET_DDB009, INST_LOW, json_pack("{sn sI}", "limit", "maxLimit", (json_int_t)p->max_limit),
              "Scan of %s without Limit", t->table ? t->table : "?");
  } else if ((scan || op_is(t, "Query")) && t->limit > p->max_limit) {
    inst_emit(in, t, DET_DDB009, INST_LOW,
              json_pack("{sI sI}", "limit", (json_int_t)t->limit, "maxLimit", (json_int_t)p->max_limit),
              "%s of %s with Limit %lld (threshold %lld)", t->operation, t->table ? t->table : "?",
              (long long)t->limit, (long long)p->max_limit);
  }
}
