/*
** server/ops/tables.c: CreateTable, DescribeTable, ListTables, DeleteTable.
**
** The request shape (types, required members, lengths, patterns, enums) was
** checked against the service model by validate.c; here come the semantic
** rules, in the order DynamoDB applies them (recorded from AWS in dynalite's
** validations/createTable.js), and the TableDescription DynamoDB returns.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "storage/store.h"

#define PREFIX_INVALID "One or more parameter values were invalid: "

/* ", "-joined AttributeName values of a KeySchema or AttributeDefinitions list. */
static char *join_names(struct ddb_request *r, const json_t *list) {
  size_t i, len = 1;
  json_t *el;
  json_array_foreach(list, i, el) len += strlen(req_str(el, "AttributeName") ?: "null") + 2;
  char *out = arena_alloc(&r->arena, len), *p = out;
  json_array_foreach(list, i, el) {
    p += sprintf(p, "%s%s", i ? ", " : "", req_str(el, "AttributeName") ?: "null");
  }
  return out;
}

static bool has_definition(const json_t *defs, const char *name) {
  size_t i;
  json_t *d;
  json_array_foreach(defs, i, d) {
    const char *n = req_str(d, "AttributeName");
    if (n && name && strcmp(n, name) == 0) return true;
  }
  return false;
}

/* The checks shared by a table's and each index's KeySchema. */
static int check_key_schema(struct ddb_request *r, const json_t *ks, const json_t *defs) {
  size_t i;
  json_t *k;
  json_array_foreach(ks, i, k) {
    if (!has_definition(defs, req_str(k, "AttributeName")))
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "Some index key attributes are not defined in "
                                     "AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
                      join_names(r, ks), join_names(r, defs));
  }
  const char *k0 = req_str(json_array_get(ks, 0), "AttributeName");
  const char *k1 = req_str(json_array_get(ks, 1), "AttributeName");
  if (k0 && k1 && strcmp(k0, k1) == 0)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  const char *t0 = req_str(json_array_get(ks, 0), "KeyType");
  if (!t0 || strcmp(t0, "HASH") != 0)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  const char *t1 = req_str(json_array_get(ks, 1), "KeyType");
  if (json_array_size(ks) > 1 && (!t1 || strcmp(t1, "RANGE") != 0))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  return 0;
}

static int check_projection(struct ddb_request *r, const json_t *index) {
  const json_t *proj = json_object_get(index, "Projection");
  const char *type = req_str(proj, "ProjectionType");
  if (!type)
    return ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Unknown ProjectionType: null");
  if (json_object_get(proj, "NonKeyAttributes") && strcmp(type, "INCLUDE") != 0)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "ProjectionType is %s, but NonKeyAttributes is specified", type);
  return 0;
}

/* Index names must be unique across both index kinds; `seen` collects them. */
static int check_index_name(struct ddb_request *r, json_t *seen, const char *name) {
  if (json_object_get(seen, name))
    return ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Duplicate index name: %s", name);
  json_object_set_new(seen, name, json_true());
  return 0;
}

static int check_create_table(struct ddb_request *r, const json_t *in) {
  const char *billing = req_str(in, "BillingMode");
  const json_t *pt = json_object_get(in, "ProvisionedThroughput");
  bool on_demand = billing && strcmp(billing, "PAY_PER_REQUEST") == 0;
  if (on_demand) {
    if (pt)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                     "specified when BillingMode is PAY_PER_REQUEST");
  } else {
    json_int_t rcu = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    json_int_t wcu = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    if (!pt || !rcu || !wcu)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "ReadCapacityUnits and WriteCapacityUnits must both be "
                                     "specified when BillingMode is PROVISIONED");
    if (rcu > 1000000000000LL)
      return ddb_fail(&r->err, DDB_VALIDATION, "Given value %lld for ReadCapacityUnits is out of bounds",
                      (long long)rcu);
    if (wcu > 1000000000000LL)
      return ddb_fail(&r->err, DDB_VALIDATION, "Given value %lld for WriteCapacityUnits is out of bounds",
                      (long long)wcu);
  }
  const json_t *defs = json_object_get(in, "AttributeDefinitions");
  const json_t *ks = json_object_get(in, "KeySchema");
  if (json_array_size(ks) > json_array_size(defs))
    return ddb_fail(&r->err, DDB_VALIDATION, "Invalid KeySchema: Some index key attribute have no definition");
  if (check_key_schema(r, ks, defs)) return -1;

  const json_t *lsis = json_object_get(in, "LocalSecondaryIndexes");
  const json_t *gsis = json_object_get(in, "GlobalSecondaryIndexes");
  if (!lsis && !gsis && json_array_size(ks) != json_array_size(defs))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "Number of attributes in KeySchema does not exactly match "
                                   "number of attributes defined in AttributeDefinitions");
  json_t *seen = arena_link_json(&r->arena, json_object());
  size_t i;
  json_t *ix;
  if (lsis) {
    const char *table_hash = req_str(json_array_get(ks, 0), "AttributeName");
    if (json_array_size(lsis) == 0)
      return ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "List of LocalSecondaryIndexes is empty");
    if (json_array_size(ks) != 2)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "Table KeySchema does not have a range key, which is "
                                     "required when specifying a LocalSecondaryIndex");
    json_array_foreach(lsis, i, ix) {
      const char *name = req_str(ix, "IndexName");
      const json_t *iks = json_object_get(ix, "KeySchema");
      if (check_key_schema(r, iks, defs)) return -1;
      if (json_array_size(iks) != 2)
        return ddb_fail(&r->err, DDB_VALIDATION,
                        PREFIX_INVALID "Index KeySchema does not have a range key for index: %s", name);
      const char *ih = req_str(json_array_get(iks, 0), "AttributeName");
      if (strcmp(ih, table_hash) != 0)
        return ddb_fail(&r->err, DDB_VALIDATION,
                        PREFIX_INVALID "Index KeySchema does not have the same leading hash key as "
                                       "table KeySchema for index: %s. index hash key: %s, table hash key: %s",
                        name, ih, table_hash);
      if (check_projection(r, ix)) return -1;
      if (check_index_name(r, seen, name)) return -1;
    }
    if (json_array_size(lsis) > 5)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (gsis) {
    if (json_array_size(gsis) == 0)
      return ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "List of GlobalSecondaryIndexes is empty");
    json_array_foreach(gsis, i, ix) {
      const char *name = req_str(ix, "IndexName");
      if (check_key_schema(r, json_object_get(ix, "KeySchema"), defs)) return -1;
      if (check_projection(r, ix)) return -1;
      if (on_demand && json_object_get(ix, "ProvisionedThroughput"))
        return ddb_fail(&r->err, DDB_VALIDATION,
                        PREFIX_INVALID "ProvisionedThroughput should not be specified for index: %s "
                                       "when BillingMode is PAY_PER_REQUEST",
                        name);
      if (!on_demand && !json_object_get(ix, "ProvisionedThroughput"))
        return ddb_fail(&r->err, DDB_VALIDATION,
                        PREFIX_INVALID "ProvisionedThroughput must be specified for index: %s", name);
      if (check_index_name(r, seen, name)) return -1;
    }
    if (json_array_size(gsis) > 20)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  return 0;
}

/* A random version-4 UUID (DynamoDB's TableId). */
static void make_uuid(char out[37]) {
  unsigned char b[16];
  FILE *f = fopen("/dev/urandom", "rb");
  if (!f || fread(b, 1, sizeof b, f) != sizeof b)
    for (int i = 0; i < 16; i++) b[i] = (unsigned char)rand();
  if (f) fclose(f);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
           b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
           b[15]);
}

static json_t *throughput(const json_t *pt) {
  return json_pack("{sI sI sI}", "NumberOfDecreasesToday", (json_int_t)0, "ReadCapacityUnits",
                   json_integer_value(json_object_get(pt, "ReadCapacityUnits")), "WriteCapacityUnits",
                   json_integer_value(json_object_get(pt, "WriteCapacityUnits")));
}

/* The stored form of an index: what DescribeTable repeats about it. */
static json_t *index_desc(const json_t *ix, bool global, bool on_demand) {
  json_t *d = json_object();
  json_object_set(d, "IndexName", json_object_get(ix, "IndexName"));
  json_object_set(d, "KeySchema", json_object_get(ix, "KeySchema"));
  json_object_set(d, "Projection", json_object_get(ix, "Projection"));
  if (global)
    json_object_set_new(d, "ProvisionedThroughput",
                        throughput(on_demand ? NULL : json_object_get(ix, "ProvisionedThroughput")));
  return d;
}

/* The full TableDescription: stored parts plus live figures. */
static json_t *describe(struct ddb_request *r, struct store_txn *t, const struct table *tbl,
                        const char *status) {
  json_t *d = json_deep_copy(tbl->desc);
  json_object_set_new(d, "TableStatus", json_string(status));
  json_object_set_new(d, "TableSizeBytes", json_integer((json_int_t)tbl->size_bytes));
  json_object_set_new(d, "ItemCount", json_integer((json_int_t)catalog_item_count(t, tbl)));
  json_object_set_new(d, "TableArn", json_string(req_table_arn(r, tbl->name)));
  const char *kinds[] = {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
  for (int k = 0; k < 2; k++) {
    size_t i;
    json_t *ix;
    json_array_foreach(json_object_get(d, kinds[k]), i, ix) {
      json_object_set_new(ix, "IndexSizeBytes", json_integer(0));
      json_object_set_new(ix, "ItemCount", json_integer(0));
      json_object_set_new(ix, "IndexArn",
                          json_string(arena_printf(&r->arena, "%s/index/%s",
                                                   req_table_arn(r, tbl->name),
                                                   req_str(ix, "IndexName"))));
      if (k == 1) json_object_set_new(ix, "IndexStatus", json_string("ACTIVE"));
    }
  }
  return d;
}

int op_create_table(struct ddb_request *r, json_t **out) {
  json_t *in = r->in;
  if (check_create_table(r, in)) return -1;

  const char *billing = req_str(in, "BillingMode");
  bool on_demand = billing && strcmp(billing, "PAY_PER_REQUEST") == 0;
  char uuid[37];
  make_uuid(uuid);
  json_t *desc = json_object();
  json_object_set(desc, "AttributeDefinitions", json_object_get(in, "AttributeDefinitions"));
  json_object_set(desc, "TableName", json_object_get(in, "TableName"));
  json_object_set(desc, "KeySchema", json_object_get(in, "KeySchema"));
  json_object_set_new(desc, "CreationDateTime", json_real(r->now));
  json_object_set_new(desc, "ProvisionedThroughput",
                      throughput(on_demand ? NULL : json_object_get(in, "ProvisionedThroughput")));
  json_object_set_new(desc, "TableId", json_string(uuid));
  if (on_demand)
    json_object_set_new(desc, "BillingModeSummary",
                        json_pack("{ss sf}", "BillingMode", "PAY_PER_REQUEST",
                                  "LastUpdateToPayPerRequestDateTime", r->now));
  const char *kinds[] = {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
  for (int k = 0; k < 2; k++) {
    json_t *list = json_object_get(in, kinds[k]);
    if (!list) continue;
    json_t *stored = json_array();
    size_t i;
    json_t *ix;
    json_array_foreach(list, i, ix) json_array_append_new(stored, index_desc(ix, k == 1, on_demand));
    json_object_set_new(desc, kinds[k], stored);
  }
  json_t *sse = json_object_get(in, "SSESpecification");
  if (json_is_true(json_object_get(sse, "Enabled")))
    json_object_set_new(desc, "SSEDescription",
                        json_pack("{ss ss}", "Status", "ENABLED", "SSEType", "KMS"));
  json_object_set_new(desc, "DeletionProtectionEnabled",
                      json_boolean(json_is_true(json_object_get(in, "DeletionProtectionEnabled"))));

  struct store_txn t;
  struct table *tbl;
  if (store_begin(r->srv->store, true, &t, &r->err)) {
    json_decref(desc);
    return -1;
  }
  if (catalog_create(&t, desc, &tbl, &r->err)) {
    store_abort(&t);
    if (r->err.code == DDB_RESOURCE_IN_USE) {
      ddb_err_clear(&r->err);
      return ddb_fail(&r->err, DDB_RESOURCE_IN_USE, "Table already exists: %s", req_str(in, "TableName"));
    }
    return -1;
  }
  json_t *d = describe(r, &t, tbl, "CREATING");
  if (store_commit(&t, &r->err)) {
    json_decref(d);
    return -1;
  }
  *out = json_pack("{so}", "TableDescription", d);
  return 0;
}

/* The table named in the request, or -1 with DescribeTable's not-found text. */
static struct table *table_for_control(struct ddb_request *r) {
  const char *name = req_str(r->in, "TableName");
  struct table *tbl = catalog_find(r->srv->store, name);
  if (!tbl)
    ddb_fail(&r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found: Table: %s not found", name);
  return tbl;
}

int op_describe_table(struct ddb_request *r, json_t **out) {
  struct table *tbl = table_for_control(r);
  if (!tbl) return -1;
  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) return -1;
  json_t *d = describe(r, &t, tbl, "ACTIVE");
  store_abort(&t);
  *out = json_pack("{so}", "Table", d);
  return 0;
}

int op_delete_table(struct ddb_request *r, json_t **out) {
  struct table *tbl = table_for_control(r);
  if (!tbl) return -1;
  if (json_is_true(json_object_get(tbl->desc, "DeletionProtectionEnabled")))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Resource cannot be deleted as it is currently protected against deletion. "
                    "Disable deletion protection first.");
  struct store_txn t;
  if (store_begin(r->srv->store, true, &t, &r->err)) return -1;
  json_t *d = describe(r, &t, tbl, "DELETING");
  if (catalog_drop(&t, tbl, &r->err) || store_commit(&t, &r->err)) {
    store_abort(&t);
    json_decref(d);
    return -1;
  }
  *out = json_pack("{so}", "TableDescription", d);
  return 0;
}

struct list_state {
  json_t *names;
  size_t limit;
  bool more;
};

static int collect_name(void *arg, const char *name) {
  struct list_state *st = arg;
  if (json_array_size(st->names) == st->limit) {
    st->more = true;
    return 1;
  }
  json_array_append_new(st->names, json_string(name));
  return 0;
}

int op_list_tables(struct ddb_request *r, json_t **out) {
  json_t *limit = json_object_get(r->in, "Limit");
  struct list_state st = {json_array(), limit ? (size_t)json_integer_value(limit) : 100, false};
  catalog_each_name(r->srv->store, req_str(r->in, "ExclusiveStartTableName"), collect_name, &st);
  *out = json_object();
  if (st.more)
    json_object_set(*out, "LastEvaluatedTableName",
                    json_array_get(st.names, json_array_size(st.names) - 1));
  json_object_set_new(*out, "TableNames", st.names);
  return 0;
}
