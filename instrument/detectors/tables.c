/*
** instrument/detectors/tables.c: who touches which tables, and how.
**   DDB012 unknown or dynamic table     a table not expected, or one call site naming many
**   DDB013 table enumeration            ResourceNotFound for many names; honey tables
**   DDB015 reconnaissance               describe/list calls by an app principal
**   DDB016 control-plane call           management calls by an app principal
*/
#include <stdlib.h>
#include <string.h>

#include "detectors.h"

void inst_callsite_tables_free(void *p) {
  struct inst_callsite_tables *c = p;
  for (int i = 0; i < c->n; i++) free(c->name[i]);
}

void inst_missing_free(void *p) {
  struct inst_missing *m = p;
  for (int i = 0; i < m->n; i++) free(m->name[i]);
}

static bool is_app(const struct inst_trace *t) { return t->principal_class == INST_PRINCIPAL_APP; }

/*---------------------------------- DDB012 ---------------------------------*/

struct tables_ctx {
  struct inst *in;
  struct inst_trace *t;
};

static void check_table(void *arg, const char *name) {
  struct tables_ctx *c = arg;
  struct inst *in = c->in;
  struct inst_trace *t = c->t;
  const struct inst_det_config *dc = &in->cfg.det[DET_DDB012];
  if (inst_regexes_match(&dc->allow_tables, name)) return;
  if (!inst_table_known(in, name)) {
    inst_emit(in, t, DET_DDB012, INST_HIGH,
              json_pack("{ss ss sb}", "table", name, "reason", "undeclared", "exists",
                        inst_table_items(in, name) >= 0),
              "%s by app principal '%s' names table '%s', which is not declared and was not "
              "created by a setup principal",
              t->operation ? t->operation : "request", t->principal, name);
    return;
  }
  if (!t->callsite) return; /* without a real call site the shape includes the table */
  struct inst_callsite_tables *cs = inst_map_put(&in->callsite_tables, t->callsite);
  for (int i = 0; i < cs->n; i++)
    if (strcmp(cs->name[i], name) == 0) return;
  if (cs->n < INST_CALLSITE_TABLES_MAX) cs->name[cs->n++] = strdup(name);
  if (cs->n <= in->cfg.p.max_tables_per_callsite) return;
  json_t *names = json_array();
  for (int i = 0; i < cs->n; i++) json_array_append_new(names, json_string(cs->name[i]));
  inst_emit(in, t, DET_DDB012, INST_HIGH,
            json_pack("{ss ss so}", "table", name, "reason", "dynamic", "tables", names),
            "call site %s named %d different tables (now '%s'): the table name comes from input",
            t->callsite, cs->n, name);
}

void det_tables_pre(struct inst *in, struct inst_trace *t) {
  if (!is_app(t) || !t->operation) return;
  if (strcmp(t->operation, "CreateTable") == 0 || strcmp(t->operation, "ListTables") == 0) return;
  struct tables_ctx c = {in, t};
  inst_each_table(t, check_table, &c);
}

/*---------------------------------- DDB013 ---------------------------------*/

static void check_honey(void *arg, const char *name) {
  struct tables_ctx *c = arg;
  size_t i;
  json_t *h;
  json_array_foreach(c->in->cfg.p.honey_tables, i, h) {
    if (strcmp(json_string_value(h), name) != 0) continue;
    inst_emit(c->in, c->t, DET_DDB013, INST_HIGH, json_pack("{ss ss}", "reason", "honey-table", "table", name),
              "%s by principal '%s' touched honey table '%s'",
              c->t->operation ? c->t->operation : "request", c->t->principal, name);
  }
}

void det_enum_pre(struct inst *in, struct inst_trace *t) {
  if (!json_array_size(in->cfg.p.honey_tables)) return;
  struct tables_ctx c = {in, t};
  inst_each_table(t, check_honey, &c);
}

void det_enum_post(struct inst *in, struct inst_trace *t) {
  if (!t->error_type || strcmp(t->error_type, "ResourceNotFoundException") != 0 || !t->table) return;
  const struct inst_params *p = &in->cfg.p;
  struct inst_missing *m = inst_map_put(&in->missing, t->principal ? t->principal : "");
  /* Forget names outside the window; refresh or add this one. */
  int k = 0;
  bool seen = false;
  for (int i = 0; i < m->n; i++) {
    if (m->t[i] <= t->time - p->enum_window) {
      free(m->name[i]);
      continue;
    }
    m->t[k] = m->t[i];
    m->name[k] = m->name[i];
    if (strcmp(m->name[k], t->table) == 0) {
      m->t[k] = t->time;
      seen = true;
    }
    k++;
  }
  m->n = k;
  if (!seen) {
    if (m->n == INST_MISSING_MAX) {
      free(m->name[0]);
      memmove(&m->t[0], &m->t[1], sizeof m->t[0] * (INST_MISSING_MAX - 1));
      memmove(&m->name[0], &m->name[1], sizeof m->name[0] * (INST_MISSING_MAX - 1));
      m->n--;
    }
    m->t[m->n] = t->time;
    m->name[m->n++] = strdup(t->table);
  }
  if (seen || m->n < p->enum_distinct) return;
  json_t *names = json_array();
  for (int i = 0; i < m->n; i++) json_array_append_new(names, json_string(m->name[i]));
  inst_emit(in, t, DET_DDB013, INST_HIGH,
            json_pack("{ss so sf}", "reason", "not-found-burst", "tables", names, "windowSeconds",
                      p->enum_window),
            "principal '%s' asked for %d tables that do not exist within %g s (latest '%s')",
            t->principal, m->n, p->enum_window, t->table);
  inst_missing_free(m);
  m->n = 0;
}

/*------------------------------ DDB015, DDB016 -----------------------------*/

void det_recon_pre(struct inst *in, struct inst_trace *t) {
  if (!is_app(t) || !(t->op_class & INST_OP_RECON)) return;
  inst_emit(in, t, DET_DDB015, INST_MEDIUM, json_pack("{ss ss?}", "operation", t->operation, "table", t->table),
            "app principal '%s' called %s%s%s", t->principal, t->operation, t->table ? " on " : "",
            t->table ? t->table : "");
}

void det_control_pre(struct inst *in, struct inst_trace *t) {
  bool critical = t->op_class & INST_OP_CRITICAL;
  if (!is_app(t) || !(t->op_class & INST_OP_CONTROL)) return;
  inst_emit(in, t, DET_DDB016, critical ? INST_CRITICAL : INST_HIGH,
            json_pack("{ss ss?}", "operation", t->operation, "table", t->table),
            "app principal '%s' called %s%s%s", t->principal, t->operation, t->table ? " on " : "",
            t->table ? t->table : "");
}
