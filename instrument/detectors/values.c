/*
** instrument/detectors/values.c: values and names an attacker shaped.
**   DDB010 key type confusion     a key attribute whose type is not the key schema's
**   DDB011 attacker-shaped value  type-tag maps, prototype names, types outside the baseline
**   DDB017 mass assignment        attributes written outside the baseline or on the deny-list
**   DDB018 sensitive projection   sensitive attributes returned outside the baseline
** (INSTRUMENT.md A2 and A7.)
*/
#include <string.h>

#include "detectors.h"

/*---------------------------------- DDB010 ---------------------------------*/

struct key_check {
  struct inst *in;
  struct inst_trace *t;
};

/* One key attribute against the key schema of its table or index. */
static void check_key(void *arg, const struct inst_key_use *k) {
  struct key_check *c = arg;
  char want = k->declared;
  if (!k->type || !want || (k->type[0] == want && !k->type[1])) return;
  char declared[2] = {want, 0};
  struct inst_trace *t = c->t;
  inst_emit(c->in, t, DET_DDB010, INST_HIGH,
            json_pack("{ss ss? ss ss ss ss}", "table", k->table, "index", k->index, "attribute", k->attr,
                      "declared", declared, "sent", k->type, "where", k->where ? k->where : ""),
            "%s sent key attribute %s of %s%s%s as %s where the key schema declares %s",
            t->operation ? t->operation : "request", k->attr, k->table, k->index ? "/" : "",
            k->index ? k->index : "", k->type, declared);
}

/* DynamoDB refuses a key of the wrong type (ValidationException, or a
** transaction's ValidationError reason), so only a refused request can carry
** one, except in PartiQL, where a key equality of another type matches
** nothing: the check runs once the answer is known. */
void det_key_type_post(struct inst *in, struct inst_trace *t) {
  if (!t->arena || !(t->op_class & INST_OP_DATA)) return;
  bool refused = t->error_type && (strcmp(t->error_type, "ValidationException") == 0 ||
                                   strcmp(t->error_type, "TransactionCanceledException") == 0);
  if (!refused && !t->npartiql) return;
  struct key_check c = {in, t};
  inst_each_key(in, t, refused ? INST_KEYS_REQUEST | INST_KEYS_PARSED : INST_KEYS_PARSED, check_key, &c);
}

/*---------------------------------- DDB011 ---------------------------------*/

static bool type_tag(const char *s) {
  static const char *const tags[] = {"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"};
  for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
    if (strcmp(s, tags[i]) == 0) return true;
  return false;
}

static bool prototype_name(const char *s, size_t len) {
  return (len == 9 && memcmp(s, "__proto__", 9) == 0) || (len == 11 && memcmp(s, "constructor", 11) == 0) ||
         (len == 9 && memcmp(s, "prototype", 9) == 0);
}

struct shape_walk {
  struct inst_walker w; /* first: the callbacks get it */
  const char *reason;   /* "type-tag-map", "prototype-name" */
  const char *path, *detail;
  struct arena *arena;
};

static void shape_hit(struct shape_walk *c, const char *reason, const char *detail) {
  c->reason = reason;
  c->path = arena_strdup(c->arena, inst_walk_path(&c->w));
  c->detail = detail;
  c->w.stop = true;
}

/* An AttributeValue and what it nests. */
static void check_av(struct shape_walk *c, const json_t *av, int depth) {
  const char *type = inst_av_type(av);
  if (!type || depth > 32 || c->w.stop) return;
  const json_t *inner = json_object_get(av, type);
  if (strcmp(type, "M") == 0 && json_is_object(inner)) {
    if (json_object_size(inner) == 1) {
      const char *k = json_object_iter_key(json_object_iter((json_t *)inner));
      if (type_tag(k) && json_is_object(json_object_get(inner, k))) {
        shape_hit(c, "type-tag-map", arena_printf(c->arena, "a map whose only member is the type tag %s", k));
        return;
      }
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)inner, k, v) {
      if (prototype_name(k, strlen(k))) {
        shape_hit(c, "prototype-name", arena_printf(c->arena, "a map member named %s", k));
        return;
      }
      check_av(c, v, depth + 1);
      if (c->w.stop) return;
    }
  } else if (strcmp(type, "L") == 0) {
    size_t i;
    json_t *v;
    json_array_foreach(inner, i, v) {
      check_av(c, v, depth + 1);
      if (c->w.stop) return;
    }
  }
}

static void shape_value(struct inst_walker *w, const json_t *av) { check_av((struct shape_walk *)w, av, 0); }

static void shape_name(struct inst_walker *w, int pos, const char *s, size_t len) {
  struct shape_walk *c = (struct shape_walk *)w;
  if (pos == INST_POS_ATTRIBUTE && prototype_name(s, len))
    shape_hit(c, "prototype-name", arena_printf(c->arena, "an attribute named %.*s", (int)len, s));
}

/* The common request whose only AttributeValues are its Key (GetItem,
** DeleteItem): its members checked directly, without the walk. */
static bool key_only(const struct inst_trace *t) {
  return t->key && !t->item && !t->values && !t->names && !t->legacy && !t->request_items &&
         !t->transact_items && !t->parameters && !t->statements;
}

void det_shape_pre(struct inst *in, struct inst_trace *t) {
  if (!t->request || !t->arena || !(t->op_class & INST_OP_DATA)) return;
  if (key_only(t)) {
    const char *k;
    json_t *av;
    bool plain = true;
    json_object_foreach((json_t *)t->key, k, av) {
      const char *type = inst_av_type(av);
      plain = plain && type && (type[0] == 'S' || type[0] == 'N' || type[0] == 'B') && !type[1] &&
              !prototype_name(k, strlen(k));
    }
    if (plain) return;
  }
  struct shape_walk c;
  memset(&c, 0, sizeof c);
  c.w.value = shape_value;
  c.w.name = shape_name;
  c.arena = t->arena;
  inst_walk_request(&c.w, t->request);
  if (!c.reason) return;
  inst_emit(in, t, DET_DDB011, INST_HIGH, json_pack("{ss ss ss}", "reason", c.reason, "field", c.path, "detail", c.detail),
            "%s on %s carries an attacker-shaped value at %s: %s", t->operation ? t->operation : "request",
            t->table ? t->table : "?", c.path, c.detail);
}

static json_t *set_list(const json_t *set) {
  json_t *out = json_array();
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)set, k, v) json_array_append_new(out, json_string(k));
  return out;
}

void det_type_drift_post(struct inst *in, struct inst_trace *t) {
  if (!inst_baseline_checks(in, t) || !t->arena) return;
  struct inst_facts *f = inst_facts_all(in, t);
  const json_t *site = inst_baseline_site_of(in, f);
  if (!site) return;
  for (int i = 0; i < f->n; i++) {
    const struct inst_fact *x = &f->v[i];
    if ((x->kind != INST_FACT_PLACEHOLDER && x->kind != INST_FACT_WRITTEN) || !x->type) continue;
    const json_t *types = inst_baseline_types(site, x->kind, x->name);
    if (!json_object_size(types) || json_object_get(types, x->type)) continue;
    const char *what = x->kind == INST_FACT_PLACEHOLDER ? "placeholder" : "attribute";
    inst_emit(in, t, DET_DDB011, INST_HIGH,
              json_pack("{ss ss ss ss so}", "reason", "type-drift", "kind", what, "name", x->name, "type", x->type,
                        "baseline", set_list(types)),
              "%s %s is %s here but the call site's baseline only saw it as another type", what, x->name,
              x->type);
    return;
  }
}

/*---------------------------------- DDB017 ---------------------------------*/

static bool key_attribute(struct inst *in, const struct inst_fact *x) {
  struct inst_keys k;
  if (!inst_key_schema(in, x->table, NULL, &k)) return false;
  return strcmp(x->name, k.hash) == 0 || (k.range && strcmp(x->name, k.range) == 0);
}

static void check_writes(struct inst *in, struct inst_trace *t, struct inst_facts *f) {
  if (t->principal_class != INST_PRINCIPAL_APP) return;
  bool learning = in->bl.mode == INST_BL_LEARN, frozen = inst_baseline_checks(in, t);
  const json_t *site = frozen ? inst_baseline_site_of(in, f) : NULL;
  const json_t *deny = in->cfg.p.deny_attributes;
  json_t *hits = NULL;
  const char *first = NULL, *first_reason = NULL;
  for (int i = 0; i < f->n; i++) {
    const struct inst_fact *x = &f->v[i];
    if (x->kind != INST_FACT_WRITTEN) continue;
    const char *reason = NULL;
    bool known = site && inst_baseline_knows(in, f, INST_FACT_WRITTEN, x->name);
    if ((x->flags & INST_FACT_UPDATE) && key_attribute(in, x)) reason = "key attribute updated";
    else if (!learning && !known && inst_name_listed(deny, x->name)) reason = "deny-listed attribute";
    else if (site && !known) reason = "attribute outside the call site's baseline";
    if (!reason) continue;
    if (!hits) hits = json_array();
    bool dup = false;
    size_t j;
    json_t *h;
    json_array_foreach(hits, j, h) dup |= strcmp(json_string_value(json_object_get(h, "name")), x->name) == 0;
    if (dup) continue;
    json_array_append_new(hits, json_pack("{ss ss}", "name", x->name, "reason", reason));
    if (!first) {
      first = x->name;
      first_reason = reason;
    }
  }
  if (!hits) return;
  inst_emit(in, t, DET_DDB017, INST_HIGH, json_pack("{so ss? ss}", "attributes", hits, "table", t->table, "callsite", f->site),
            "%s on %s writes %s (%s)%s", t->operation ? t->operation : "request", t->table ? t->table : "?", first,
            first_reason, json_array_size(hits) > 1 ? " and more" : "");
}

void det_mass_pre(struct inst *in, struct inst_trace *t) {
  if (!t->arena || !(t->op_class & INST_OP_DATA) || (t->op_class & INST_OP_READ)) return;
  check_writes(in, t, inst_facts_request(in, t));
}

void det_mass_post(struct inst *in, struct inst_trace *t) {
  if (!t->arena || !(t->op_class & INST_OP_DATA) || (t->op_class & INST_OP_READ)) return;
  check_writes(in, t, inst_facts_all(in, t));
}

/*---------------------------------- DDB018 ---------------------------------*/

void det_sensitive_post(struct inst *in, struct inst_trace *t) {
  if (!inst_baseline_checks(in, t) || !t->arena || t->status != 200) return;
  if (!(t->op_class & INST_OP_READ) && !t->npartiql) return;
  struct inst_facts *f = inst_facts_all(in, t);
  json_t *names = NULL;
  for (int i = 0; i < f->n; i++) {
    const struct inst_fact *x = &f->v[i];
    if (x->kind != INST_FACT_RETURNED || !inst_name_listed(in->cfg.p.sensitive_attributes, x->name) ||
        inst_baseline_knows(in, f, INST_FACT_RETURNED, x->name))
      continue;
    if (!names) names = json_array();
    json_array_append_new(names, json_string(x->name));
  }
  if (!names) return;
  inst_emit(in, t, DET_DDB018, INST_MEDIUM, json_pack("{so ss ss?}", "attributes", names, "callsite", f->site, "table", t->table),
            "%s on %s returned %s, which the call site's baseline never returned", t->operation ? t->operation : "read",
            t->table ? t->table : "?", json_string_value(json_array_get(names, 0)));
}
