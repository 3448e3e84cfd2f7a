/*
** instrument/walk.c: a walk over a DynamoDB request body that knows which of
** its strings are names and which are values.
**
** Injection shows where input lands: a value inside an AttributeValue (an
** Item's attribute, a Key, an ExpressionAttributeValues entry, a legacy
** AttributeValueList, a PartiQL parameter) is data, as intended; the same input
** in a table name, an expression, a PartiQL statement, an attribute name or a
** placeholder name changed the request's structure. The walk hands every
** AttributeValue over whole (value callback) and every other string with its
** position (name callback) and member path. It is driven by member names, so
** it covers every operation, batches and transactions included, without a
** table per operation: members are names unless the API defines them as
** AttributeValues.
*/
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *inst_pos_name(int pos) {
  switch (pos) {
  case INST_POS_TABLE: return "table name";
  case INST_POS_EXPRESSION: return "expression text";
  case INST_POS_STATEMENT: return "PartiQL statement text";
  case INST_POS_ATTRIBUTE: return "attribute name";
  case INST_POS_PLACEHOLDER: return "placeholder name";
  default: return "request parameter";
  }
}

/*------------------------------- Paths -------------------------------------*/

/* The member path is a stack of segments, rendered only when a callback asks
** (most walks report nothing). */
static int push(struct inst_walker *w, const char *name, long index) {
  int saved = w->depth;
  if (w->depth < INST_WALK_DEPTH) {
    w->seg[w->depth].name = name;
    w->seg[w->depth].index = index;
  }
  w->depth++;
  return saved;
}

static void pop(struct inst_walker *w, int saved) { w->depth = saved; }

const char *inst_walk_path(struct inst_walker *w) {
  size_t n = 0;
  int depth = w->depth < INST_WALK_DEPTH ? w->depth : INST_WALK_DEPTH;
  w->path[0] = 0;
  for (int i = 0; i < depth && n < sizeof w->path - 1; i++) {
    int k = w->seg[i].name ? snprintf(w->path + n, sizeof w->path - n, "%s%s", n ? "." : "", w->seg[i].name)
                           : snprintf(w->path + n, sizeof w->path - n, "[%ld]", w->seg[i].index);
    if (k < 0) break;
    n += (size_t)k;
  }
  if (n >= sizeof w->path) w->path[sizeof w->path - 1] = 0;
  return w->path;
}

static void name_at(struct inst_walker *w, int pos, const char *s, size_t len) {
  if (s && w->name && !w->stop) w->name(w, pos, s, len);
}

static void value_at(struct inst_walker *w, const json_t *av) {
  if (w->value && !w->stop) w->value(w, av);
}

/*------------------------------ Members ------------------------------------*/

static void walk_object(struct inst_walker *w, const json_t *obj);

/* Each member of obj: its name at pos, then its value through each(). */
static void walk_members(struct inst_walker *w, const json_t *obj, int pos,
                         void (*each)(struct inst_walker *, const json_t *)) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)obj, k, v) {
    if (w->stop) return;
    int saved = push(w, k, 0);
    name_at(w, pos, k, strlen(k));
    each(w, v);
    pop(w, saved);
  }
}

/* {"attr": av, ...}: names are attribute (or placeholder) names, members values. */
static void walk_item(struct inst_walker *w, const json_t *item, int name_pos) {
  walk_members(w, item, name_pos, value_at);
}

static void walk_values(struct inst_walker *w, const json_t *list) {
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    int saved = push(w, NULL, (long)i);
    value_at(w, v);
    pop(w, saved);
  }
}

/* One condition or update of a legacy map: {"ComparisonOperator" | "Action": name,
** "AttributeValueList" | "Value": values}. */
static void legacy_entry(struct inst_walker *w, const json_t *c) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)c, k, v) {
    int saved = push(w, k, 0);
    if (strcmp(k, "AttributeValueList") == 0) walk_values(w, v);
    else if (strcmp(k, "Value") == 0) value_at(w, v);
    else if (json_is_string(v)) name_at(w, INST_POS_OTHER, json_string_value(v), json_string_length(v));
    pop(w, saved);
  }
}

/* Expected / ScanFilter / QueryFilter / KeyConditions / AttributeUpdates. */
static void walk_legacy(struct inst_walker *w, const json_t *conds) {
  walk_members(w, conds, INST_POS_ATTRIBUTE, legacy_entry);
}

/* An ExpressionAttributeNames value: an attribute name. */
static void attribute_name(struct inst_walker *w, const json_t *v) {
  if (json_is_string(v)) name_at(w, INST_POS_ATTRIBUTE, json_string_value(v), json_string_length(v));
}

static void walk_strings(struct inst_walker *w, const json_t *list, int pos);

/* A RequestItems entry: an object (BatchGetItem) or [{PutRequest}, ...] (BatchWriteItem). */
static void table_entry(struct inst_walker *w, const json_t *entry) {
  if (json_is_object(entry)) walk_object(w, entry);
  else walk_strings(w, entry, INST_POS_OTHER);
}

static void walk_strings(struct inst_walker *w, const json_t *list, int pos) {
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    int saved = push(w, NULL, (long)i);
    if (json_is_string(v)) name_at(w, pos, json_string_value(v), json_string_length(v));
    else if (json_is_object(v)) walk_object(w, v);
    pop(w, saved);
  }
}

static bool ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), m = strlen(tail);
  return n >= m && strcmp(s + n - m, tail) == 0;
}

static void walk_member(struct inst_walker *w, const char *k, const json_t *v) {
  switch (k[0]) {
  case 'I':
    if (strcmp(k, "Item") == 0) { walk_item(w, v, INST_POS_ATTRIBUTE); return; }
    if (strcmp(k, "IndexName") == 0) { name_at(w, INST_POS_TABLE, json_string_value(v), json_string_length(v)); return; }
    break;
  case 'K':
    if (strcmp(k, "Key") == 0) { walk_item(w, v, INST_POS_ATTRIBUTE); return; }
    if (strcmp(k, "KeyConditions") == 0) { walk_legacy(w, v); return; }
    if (strcmp(k, "Keys") == 0) {
      size_t i;
      json_t *key;
      json_array_foreach(v, i, key) {
        int saved = push(w, NULL, (long)i);
        walk_item(w, key, INST_POS_ATTRIBUTE);
        pop(w, saved);
      }
      return;
    }
    break;
  case 'E':
    if (strcmp(k, "ExclusiveStartKey") == 0) { walk_item(w, v, INST_POS_ATTRIBUTE); return; }
    if (strcmp(k, "ExpressionAttributeValues") == 0) { walk_item(w, v, INST_POS_PLACEHOLDER); return; }
    if (strcmp(k, "ExpressionAttributeNames") == 0) { walk_members(w, v, INST_POS_PLACEHOLDER, attribute_name); return; }
    if (strcmp(k, "Expected") == 0) { walk_legacy(w, v); return; }
    break;
  case 'Q':
    if (strcmp(k, "QueryFilter") == 0) { walk_legacy(w, v); return; }
    break;
  case 'S':
    if (strcmp(k, "ScanFilter") == 0) { walk_legacy(w, v); return; }
    if (strcmp(k, "Statement") == 0) { name_at(w, INST_POS_STATEMENT, json_string_value(v), json_string_length(v)); return; }
    break;
  case 'A':
    if (strcmp(k, "AttributeUpdates") == 0) { walk_legacy(w, v); return; }
    if (strcmp(k, "AttributesToGet") == 0) { walk_strings(w, v, INST_POS_ATTRIBUTE); return; }
    break;
  case 'P':
    if (strcmp(k, "Parameters") == 0) { walk_values(w, v); return; }
    break;
  case 'T':
    if (strcmp(k, "TableName") == 0) { name_at(w, INST_POS_TABLE, json_string_value(v), json_string_length(v)); return; }
    break;
  case 'R':
    if (strcmp(k, "RequestItems") == 0) { walk_members(w, v, INST_POS_TABLE, table_entry); return; }
    break;
  }
  if (json_is_string(v)) {
    name_at(w, ends_with(k, "Expression") ? INST_POS_EXPRESSION : INST_POS_OTHER, json_string_value(v),
            json_string_length(v));
  } else if (json_is_object(v)) {
    walk_object(w, v);
  } else if (json_is_array(v)) {
    walk_strings(w, v, INST_POS_OTHER);
  }
}

static void walk_object(struct inst_walker *w, const json_t *obj) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)obj, k, v) {
    if (w->stop) return;
    int saved = push(w, k, 0);
    walk_member(w, k, v);
    pop(w, saved);
  }
}

void inst_walk_request(struct inst_walker *w, const json_t *request) {
  w->depth = 0;
  w->stop = false;
  if (json_is_object(request)) walk_object(w, request);
}
