/*
** instrument/detectors/requests.c: what the request text itself gives away.
**   DDB019 malformed expressions   bursts of syntax / placeholder / reserved-word errors
**   DDB024 oversized request/item  large bodies, large, wide or deep items
*/
#include <string.h>

#include "detectors.h"
#include "value.h"

/*---------------------------------- DDB019 ---------------------------------*/

void det_expr_post(struct inst *in, struct inst_trace *t) {
  if (!t->error_type && !t->exprs) return;
  struct inst_expr_error e;
  if (!inst_expr_error(t, &e) || !t->arena) return;
  const struct inst_params *p = &in->cfg.p;
  const char *cs = t->callsite ? t->callsite : inst_coarse_callsite(t);
  struct inst_window *w = inst_map_put(&in->expr_bursts, cs);
  int n = inst_window_hit(w, t->time, p->expr_window);
  if (n < p->expr_burst) return;
  inst_window_reset(w);
  json_t *last = json_pack("{ss? ss ss? ss? ss}", "expression", e.expression, "class", e.cls, "text",
                            e.text, "token", e.token, "message", e.message ? e.message : "");
  json_object_set_new(last, "offset", e.offset >= 0 ? json_integer(e.offset) : json_null());
  json_t *ev = json_pack("{sI sf so}", "errors", (json_int_t)n, "windowSeconds", p->expr_window,
                         "last", last);
  inst_emit(in, t, DET_DDB019, INST_MEDIUM, ev,
            "%d malformed expressions from %s within %g s (last: %s)", n, cs, p->expr_window,
            e.message ? e.message : e.cls);
}

/*---------------------------------- DDB024 ---------------------------------*/

static int av_depth(const json_t *av, int depth, int limit) {
  if (depth > limit) return depth;
  const json_t *m = json_object_get(av, "M"), *l = json_object_get(av, "L");
  int best = depth;
  const char *k;
  json_t *v;
  size_t i;
  if (json_is_object(m)) {
    json_object_foreach((json_t *)m, k, v) {
      int d = av_depth(v, depth + 1, limit);
      if (d > best) best = d;
    }
  } else if (json_is_array(l)) {
    json_array_foreach(l, i, v) {
      int d = av_depth(v, depth + 1, limit);
      if (d > best) best = d;
    }
  }
  return best;
}

struct size_check {
  struct inst *in;
  struct inst_trace *t;
  json_t *reasons;
};

static void add_reason(struct size_check *c, const char *reason, int64_t value, int64_t limit) {
  if (!c->reasons) c->reasons = json_array();
  json_array_append_new(c->reasons, json_pack("{ss sI sI}", "reason", reason, "value",
                                              (json_int_t)value, "limit", (json_int_t)limit));
}

static void check_item(struct size_check *c, const json_t *item) {
  const struct inst_params *p = &c->in->cfg.p;
  if (!json_is_object(item)) return;
  if ((int64_t)json_object_size(item) > p->max_attributes)
    add_reason(c, "attributes", (int64_t)json_object_size(item), p->max_attributes);
  if ((int64_t)c->t->request_bytes > p->max_item_bytes) {
    size_t size = value_item_size(item);
    if ((int64_t)size > p->max_item_bytes)
      add_reason(c, "itemBytes", (int64_t)size, p->max_item_bytes);
  }
  int deepest = 0;
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)item, k, v) {
    int d = av_depth(v, 1, (int)p->max_depth + 1);
    if (d > deepest) deepest = d;
  }
  if (deepest > p->max_depth)
    add_reason(c, "depth", deepest, p->max_depth);
}

void det_size_pre(struct inst *in, struct inst_trace *t) {
  const struct inst_params *p = &in->cfg.p;
  struct size_check c = {in, t, NULL};
  if ((int64_t)t->request_bytes > p->max_request_bytes)
    add_reason(&c, "requestBytes", (int64_t)t->request_bytes, p->max_request_bytes);
  check_item(&c, t->item);
  const char *table;
  json_t *reqs;
  json_object_foreach((json_t *)t->request_items, table, reqs) {
    size_t i;
    json_t *r;
    json_array_foreach(reqs, i, r) check_item(&c, json_object_get(json_object_get(r, "PutRequest"), "Item"));
  }
  size_t i;
  json_t *ti;
  json_array_foreach(t->transact_items, i, ti)
      check_item(&c, json_object_get(json_object_get(ti, "Put"), "Item"));
  if (!c.reasons) return;
  json_t *first = json_array_get(c.reasons, 0);
  inst_emit(in, t, DET_DDB024, INST_LOW, json_pack("{so}", "reasons", c.reasons),
            "%s on %s: %s %lld above the threshold %lld", t->operation ? t->operation : "request",
            t->table ? t->table : "?", json_string_value(json_object_get(first, "reason")),
            (long long)json_integer_value(json_object_get(first, "value")),
            (long long)json_integer_value(json_object_get(first, "limit")));
}
