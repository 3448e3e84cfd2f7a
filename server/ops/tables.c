/*
** server/ops/tables.c: CreateTable, DescribeTable, ListTables, DeleteTable,
** UpdateTable (and the back-fill of a global secondary index it creates).
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
#include "storage/keycodec.h"
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

/* DynamoDB's default quota: 40,000 read and 40,000 write units per table
** (LimitExceededException, text from probes of real DynamoDB). */
#define TABLE_MAX_UNITS 40000

static int check_throughput_limits(struct ddb_request *r, const json_t *pt) {
  static const char *const units[] = {"ReadCapacityUnits", "WriteCapacityUnits"};
  for (int k = 0; pt && k < 2; k++) {
    json_int_t v = json_integer_value(json_object_get(pt, units[k]));
    if (v > TABLE_MAX_UNITS)
      return ddb_fail(&r->err, DDB_LIMIT_EXCEEDED,
                      "The requested %s, %lld, is above the per table maximum for the account in "
                      "%s. Per table maximum: %d.",
                      units[k], (long long)v, req_region(r), TABLE_MAX_UNITS);
  }
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
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(defs, i, a) {
    json_array_foreach(defs, j, b) {
      if (j >= i) break;
      const char *an = req_str(a, "AttributeName"), *bn = req_str(b, "AttributeName");
      if (an && bn && strcmp(an, bn) == 0)
        return ddb_fail(&r->err, DDB_VALIDATION, "Attribute Name is duplicated: %s", an);
    }
  }
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
  return check_throughput_limits(r, on_demand ? NULL : pt);
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
      const struct index *index = catalog_index(tbl, req_str(ix, "IndexName"));
      uint64_t count = 0, bytes = 0;
      if (index) index_stats(t, tbl, index, &count, &bytes);
      json_object_set_new(ix, "IndexSizeBytes", json_integer((json_int_t)bytes));
      json_object_set_new(ix, "ItemCount", json_integer((json_int_t)count));
      json_object_set_new(ix, "IndexArn",
                          json_string(arena_printf(&r->arena, "%s/index/%s",
                                                   req_table_arn(r, tbl->name),
                                                   req_str(ix, "IndexName"))));
      if (k == 1 && !json_object_get(ix, "IndexStatus"))
        json_object_set_new(ix, "IndexStatus", json_string("ACTIVE"));
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
  /* CreateTable's own answer carries only BillingMode; the time of the switch
  ** to on-demand appears from DescribeTable on (probes of real DynamoDB). */
  json_object_del(json_object_get(d, "BillingModeSummary"), "LastUpdateToPayPerRequestDateTime");
  *out = json_pack("{so}", "TableDescription", d);
  return 0;
}

/* WarmThroughput, as DescribeTable reports it: DynamoDB's on-demand baseline
** of 12,000 reads and 4,000 writes per second, or the provisioned units. */
static json_t *warm_throughput(const struct table *tbl) {
  const json_t *bms = json_object_get(tbl->desc, "BillingModeSummary");
  const char *mode = req_str(bms, "BillingMode");
  json_int_t rd = 12000, wr = 4000;
  if (!mode || strcmp(mode, "PAY_PER_REQUEST") != 0) {
    const json_t *pt = json_object_get(tbl->desc, "ProvisionedThroughput");
    rd = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    wr = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
  }
  return json_pack("{sI sI ss}", "ReadUnitsPerSecond", rd, "WriteUnitsPerSecond", wr, "Status", "ACTIVE");
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
  index_backfill_kick(r->srv, tbl);
  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) return -1;
  json_t *d = describe(r, &t, tbl, "ACTIVE");
  store_abort(&t);
  json_object_set_new(d, "WarmThroughput", warm_throughput(tbl));
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

/*------------------------------ UpdateTable --------------------------------*/

/* The request-level rules (recorded from AWS in dynalite's
** validations/updateTable.js). The text for a request that changes nothing is
** today's (ack-api-quirks DDB-TABLE-015/-442, real DynamoDB in us-east-1 and
** us-west-2, 2026-10): it lists every member that could make a change, less
** MultiRegionConsistency when the request carries it. */
static int check_update_table(struct ddb_request *r) {
  json_t *in = r->in;
  const json_t *updates = json_object_get(in, "GlobalSecondaryIndexUpdates");
  static const char *const changes[] = {"ProvisionedThroughput", "BillingMode", "StreamSpecification",
                                        "SSESpecification", "ReplicaUpdates",
                                        "DeletionProtectionEnabled", "TableClass",
                                        "OnDemandThroughput", NULL};
  bool any = json_array_size(updates) > 0;
  for (const char *const *c = changes; *c; c++) {
    const json_t *v = json_object_get(in, *c);
    if (v && !json_is_null(v)) any = true;
  }
  if (!any)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                    "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
                    "MultiAccountReplicaReady, ReplicaTransitRoleArn, %sDeletionProtectionEnabled, "
                    "OnDemandThroughput, WarmThroughput or TableClass is required",
                    json_object_get(in, "MultiRegionConsistency") ? "" : "MultiRegionConsistency, ");
  const char *billing = req_str(in, "BillingMode");
  const json_t *pt = json_object_get(in, "ProvisionedThroughput");
  if (billing && strcmp(billing, "PROVISIONED") == 0 && !pt)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
  const char *units[] = {"ReadCapacityUnits", "WriteCapacityUnits"};
  for (int i = 0; pt && i < 2; i++) {
    json_int_t v = json_integer_value(json_object_get(pt, units[i]));
    if (v > 1000000000000LL)
      return ddb_fail(&r->err, DDB_VALIDATION, "Given value %lld for %s is out of bounds", (long long)v,
                      units[i]);
  }
  json_t *seen = arena_link_json(&r->arena, json_object());
  size_t i;
  json_t *u;
  json_array_foreach(updates, i, u) {
    const json_t *action = json_object_get(u, "Update");
    if (!action) action = json_object_get(u, "Create");
    if (!action) action = json_object_get(u, "Delete");
    if (!action)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "One of GlobalSecondaryIndexUpdate.Update, "
                                     "GlobalSecondaryIndexUpdate.Create, "
                                     "GlobalSecondaryIndexUpdate.Delete must not be null");
    const char *name = req_str(action, "IndexName") ?: "";
    if (json_object_get(seen, name))
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "Only one global secondary index update per index is allowed "
                                     "simultaneously. Index: %s",
                      name);
    json_object_set_new(seen, name, json_true());
  }
  return 0;
}

static json_t *find_named(const json_t *list, const char *key, const char *name, size_t *at) {
  size_t i;
  json_t *el;
  json_array_foreach(list, i, el) {
    const char *n = req_str(el, key);
    if (n && name && strcmp(n, name) == 0) {
      if (at) *at = i;
      return el;
    }
  }
  return NULL;
}

/* Add the request's AttributeDefinitions to defs (a type may not change). */
static int merge_definitions(struct ddb_request *r, json_t *defs) {
  const json_t *req = json_object_get(r->in, "AttributeDefinitions");
  size_t i;
  json_t *d;
  json_array_foreach(req, i, d) {
    const char *name = req_str(d, "AttributeName");
    json_t *have = find_named(defs, "AttributeName", name, NULL);
    if (!have) {
      json_array_append(defs, d);
      continue;
    }
    const char *t1 = req_str(have, "AttributeType"), *t2 = req_str(d, "AttributeType");
    if (!t1 || !t2 || strcmp(t1, t2) != 0)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "invalid attribute, SchemaElement redefined should be of same type as "
                      "previously defined");
  }
  return 0;
}

/* Drop definitions that no key schema of the table or its indexes uses. */
static void prune_definitions(json_t *desc) {
  json_t *defs = json_object_get(desc, "AttributeDefinitions");
  const char *schemas[] = {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
  for (size_t i = json_array_size(defs); i-- > 0;) {
    const char *name = req_str(json_array_get(defs, i), "AttributeName");
    bool used = find_named(json_object_get(desc, "KeySchema"), "AttributeName", name, NULL) != NULL;
    for (int k = 0; k < 2 && !used; k++) {
      size_t j;
      json_t *ix;
      json_array_foreach(json_object_get(desc, schemas[k]), j, ix) {
        if (find_named(json_object_get(ix, "KeySchema"), "AttributeName", name, NULL)) used = true;
      }
    }
    if (!used) json_array_remove(defs, i);
  }
}

/* A GlobalSecondaryIndexUpdate.Create: checks (texts as DynamoDB Local
** returns them) and the stored index, CREATING until back-filled. */
static int gsi_create(struct ddb_request *r, json_t *desc, const json_t *c, bool on_demand) {
  const char *name = req_str(c, "IndexName");
  if (find_named(json_object_get(desc, "GlobalSecondaryIndexes"), "IndexName", name, NULL) ||
      find_named(json_object_get(desc, "LocalSecondaryIndexes"), "IndexName", name, NULL))
    return ddb_fail(&r->err, DDB_VALIDATION, "Attempting to create an index which already exists");
  if (!json_object_get(r->in, "AttributeDefinitions"))
    return ddb_fail(&r->err, DDB_VALIDATION, "No Attribute Schema Defined");
  json_t *defs = json_object_get(desc, "AttributeDefinitions");
  if (merge_definitions(r, defs)) return -1;
  const json_t *ks = json_object_get(c, "KeySchema");
  const json_t *hash = find_named(ks, "KeyType", "HASH", NULL);
  const json_t *range = find_named(ks, "KeyType", "RANGE", NULL);
  if (!hash)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "No Hash Key specified in schema.  All Dynamo DB tables must have exactly one hash key");
  if (!find_named(defs, "AttributeName", req_str(hash, "AttributeName"), NULL))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Global Secondary Index hash key not specified in Attribute Definitions.Type unknown.");
  if (range && !find_named(defs, "AttributeName", req_str(range, "AttributeName"), NULL))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Global Secondary Index range key not specified in Attribute Definitions.Type unknown.");
  const json_t *proj = json_object_get(c, "Projection");
  const char *ptype = req_str(proj, "ProjectionType");
  if (json_object_get(proj, "NonKeyAttributes") && (!ptype || strcmp(ptype, "INCLUDE") != 0))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "No attributes should be specified to be projected unless projection type is INCLUDE");
  if (!on_demand && !json_object_get(c, "ProvisionedThroughput"))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "ProvisionedThroughput must be specified for index: %s", name);
  json_t *gsis = json_object_get(desc, "GlobalSecondaryIndexes");
  if (!gsis) {
    gsis = json_array();
    json_object_set_new(desc, "GlobalSecondaryIndexes", gsis);
  }
  if (json_array_size(gsis) >= 20)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  json_t *ix = index_desc(c, true, on_demand);
  json_object_set_new(ix, "IndexStatus", json_string("CREATING"));
  json_object_set_new(ix, "Backfilling", json_true());
  json_array_append_new(gsis, ix);
  return 0;
}

/* Billing mode, throughput, deletion protection, SSE, table class, streams. */
static int update_settings(struct ddb_request *r, json_t *desc, bool *on_demand) {
  json_t *in = r->in;
  const char *billing = req_str(in, "BillingMode");
  const json_t *pt = json_object_get(in, "ProvisionedThroughput");
  bool was_on_demand = *on_demand;
  if (billing) *on_demand = strcmp(billing, "PAY_PER_REQUEST") == 0;
  if (pt && *on_demand)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                   "specified when BillingMode is PAY_PER_REQUEST");
  if (pt && !was_on_demand && !billing) {
    const json_t *cur = json_object_get(desc, "ProvisionedThroughput");
    json_int_t rcu = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    json_int_t wcu = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    json_int_t crcu = json_integer_value(json_object_get(cur, "ReadCapacityUnits"));
    json_int_t cwcu = json_integer_value(json_object_get(cur, "WriteCapacityUnits"));
    if (rcu == crcu && wcu == cwcu)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "The provisioned throughput for the table will not change. The requested "
                      "value equals the current value. Current ReadCapacityUnits provisioned for "
                      "the table: %lld. Requested ReadCapacityUnits: %lld. Current "
                      "WriteCapacityUnits provisioned for the table: %lld. Requested "
                      "WriteCapacityUnits: %lld. Refer to the Amazon DynamoDB Developer Guide for "
                      "current limits and how to request higher limits.",
                      (long long)crcu, (long long)rcu, (long long)cwcu, (long long)wcu);
  }
  if (billing && *on_demand != was_on_demand) {
    if (*on_demand) {
      json_object_set_new(desc, "BillingModeSummary",
                          json_pack("{ss sf}", "BillingMode", "PAY_PER_REQUEST",
                                    "LastUpdateToPayPerRequestDateTime", r->now));
      json_object_set_new(desc, "ProvisionedThroughput", throughput(NULL));
    } else {
      json_object_set_new(desc, "BillingModeSummary",
                          json_pack("{ss}", "BillingMode", "PROVISIONED"));
    }
  }
  if (pt) json_object_set_new(desc, "ProvisionedThroughput", throughput(pt));
  const json_t *dp = json_object_get(in, "DeletionProtectionEnabled");
  if (json_is_boolean(dp)) json_object_set(desc, "DeletionProtectionEnabled", (json_t *)dp);
  const json_t *sse = json_object_get(in, "SSESpecification");
  if (sse) {
    if (json_is_true(json_object_get(sse, "Enabled")))
      json_object_set_new(desc, "SSEDescription",
                          json_pack("{ss ss}", "Status", "ENABLED", "SSEType", "KMS"));
    else
      json_object_del(desc, "SSEDescription");
  }
  const char *tc = req_str(in, "TableClass");
  if (tc) json_object_set_new(desc, "TableClassSummary", json_pack("{ss}", "TableClass", tc));
  const json_t *stream = json_object_get(in, "StreamSpecification");
  if (json_is_object(stream)) json_object_set(desc, "StreamSpecification", (json_t *)stream);
  return 0;
}

/* The GlobalSecondaryIndexUpdates. *deleted gets the description of a
** deleted index (new reference) for the response; *created its name. */
static int update_indexes(struct ddb_request *r, const struct table *tbl, json_t *desc,
                          bool on_demand, json_t **deleted, const char **created) {
  const json_t *updates = json_object_get(r->in, "GlobalSecondaryIndexUpdates");
  int online = 0;
  size_t i;
  json_t *u;
  json_array_foreach(updates, i, u) {
    if (json_object_get(u, "Create") || json_object_get(u, "Delete")) online++;
  }
  bool busy = false;
  for (int k = 0; k < tbl->nindexes; k++)
    if (tbl->indexes[k].status == INDEX_CREATING) busy = true;
  if (online > 1 || (online && busy))
    return ddb_fail(&r->err, DDB_LIMIT_EXCEEDED,
                    "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                    "simultaneously per table");
  json_array_foreach(updates, i, u) {
    json_t *gsis = json_object_get(desc, "GlobalSecondaryIndexes");
    const json_t *c = json_object_get(u, "Create");
    const json_t *d = json_object_get(u, "Delete");
    const json_t *up = json_object_get(u, "Update");
    if (c) {
      if (gsi_create(r, desc, c, on_demand)) return -1;
      *created = req_str(c, "IndexName");
    } else if (d) {
      size_t at;
      json_t *ix = find_named(gsis, "IndexName", req_str(d, "IndexName"), &at);
      if (!ix) return ddb_fail(&r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
      *deleted = json_incref(ix);
      json_array_remove(gsis, at);
      if (!json_array_size(gsis)) json_object_del(desc, "GlobalSecondaryIndexes");
    } else if (up) {
      json_t *ix = find_named(gsis, "IndexName", req_str(up, "IndexName"), NULL);
      if (!ix) return ddb_fail(&r->err, DDB_VALIDATION, "Invalid global secondary index name");
      const json_t *pt = json_object_get(up, "ProvisionedThroughput");
      if (pt && !on_demand) json_object_set_new(ix, "ProvisionedThroughput", throughput(pt));
    }
  }
  prune_definitions(desc);
  return 0;
}

int op_update_table(struct ddb_request *r, json_t **out) {
  if (check_update_table(r)) return -1;
  struct table *tbl = table_for_control(r);
  if (!tbl) return -1;
  index_backfill_kick(r->srv, tbl);
  const char *billing = req_str(json_object_get(tbl->desc, "BillingModeSummary"), "BillingMode");
  bool on_demand = billing && strcmp(billing, "PAY_PER_REQUEST") == 0;
  json_t *desc = json_deep_copy(tbl->desc), *deleted = NULL;
  const char *created = NULL;
  if (update_settings(r, desc, &on_demand) ||
      update_indexes(r, tbl, desc, on_demand, &deleted, &created)) {
    json_decref(desc);
    json_decref(deleted);
    return -1;
  }
  struct store_txn t;
  struct table *nt;
  if (store_begin(r->srv->store, true, &t, &r->err)) {
    json_decref(desc);
    json_decref(deleted);
    return -1;
  }
  if (catalog_update(&t, tbl, desc, &nt, &r->err)) {
    store_abort(&t);
    json_decref(deleted);
    return -1;
  }
  json_t *d = describe(r, &t, nt, "UPDATING");
  if (store_commit(&t, &r->err)) {
    store_abort(&t);
    json_decref(d);
    json_decref(deleted);
    return -1;
  }
  if (deleted) {
    json_object_set_new(deleted, "IndexStatus", json_string("DELETING"));
    json_object_set_new(deleted, "IndexArn",
                        json_string(arena_printf(&r->arena, "%s/index/%s",
                                                 req_table_arn(r, nt->name),
                                                 req_str(deleted, "IndexName"))));
    json_t *gsis = json_object_get(d, "GlobalSecondaryIndexes");
    if (!gsis) {
      gsis = json_array();
      json_object_set_new(d, "GlobalSecondaryIndexes", gsis);
    }
    json_array_append_new(gsis, deleted);
  }
  if (created) index_backfill_kick(r->srv, nt);
  *out = json_pack("{so}", "TableDescription", d);
  return 0;
}

/*-------------------------- Index back-fill jobs ---------------------------*/
/*
** A GSI that UpdateTable creates is CREATING until every item of the table is
** in it. A job per index runs on the event loop: each timer tick indexes a
** batch of items in one write transaction (items written meanwhile are
** indexed by their own writes, since CREATING indexes are maintained), then
** a last transaction marks the index ACTIVE. Progress is not persisted: after
** a restart the next DescribeTable, UpdateTable, Query or Scan of the table
** starts the job again from the first item (re-indexing is idempotent).
** DDBWATCH_BACKFILL_MIN_MS (environment) keeps an index CREATING at least that
** long, so tests can observe the back-filling state.
*/

#define BACKFILL_BATCH 1000

struct backfill {
  uv_timer_t timer; /* first member: the handle is the job */
  struct ddb_server *srv;
  uint64_t table_id;
  char table[256], index[256];
  uint8_t resume[KEYCODEC_MAX];
  size_t resume_len;
  uint64_t not_before; /* loop time (ms) before which the index stays CREATING */
  bool filled;         /* every item indexed */
  bool closing;
  struct backfill *next;
};

static struct backfill *backfills;

static void backfill_closed(uv_handle_t *h) {
  struct backfill *b = (struct backfill *)h;
  for (struct backfill **pp = &backfills; *pp; pp = &(*pp)->next)
    if (*pp == b) {
      *pp = b->next;
      break;
    }
  free(b);
}

static void backfill_stop(struct backfill *b) {
  if (b->closing) return;
  b->closing = true;
  uv_timer_stop(&b->timer);
  uv_close((uv_handle_t *)&b->timer, backfill_closed);
}

/* The table description with index `name` no longer CREATING (new reference). */
static json_t *desc_index_active(const json_t *desc, const char *name) {
  json_t *d = json_deep_copy(desc);
  json_t *ix = find_named(json_object_get(d, "GlobalSecondaryIndexes"), "IndexName", name, NULL);
  json_object_del(ix, "IndexStatus");
  json_object_del(ix, "Backfilling");
  return d;
}

static void backfill_tick(uv_timer_t *h) {
  struct backfill *b = (struct backfill *)h;
  struct store *store = b->srv->store;
  struct table *tbl = catalog_find(store, b->table);
  struct index *ix = tbl && tbl->id == b->table_id ? catalog_index(tbl, b->index) : NULL;
  if (!ix || ix->status != INDEX_CREATING) {
    backfill_stop(b);
    return;
  }
  if (b->filled && uv_now(h->loop) < b->not_before) return;
  struct store_txn t;
  struct ddb_err e = {0};
  struct table *nt;
  bool done = b->filled;
  int rc = store_begin(store, true, &t, &e);
  if (rc == 0 && !b->filled) rc = index_backfill(&t, tbl, ix, b->resume, &b->resume_len,
                                                 BACKFILL_BATCH, &done, &e);
  bool activate = rc == 0 && done && uv_now(h->loop) >= b->not_before;
  if (activate) rc = catalog_update(&t, tbl, desc_index_active(tbl->desc, b->index), &nt, &e);
  if (rc == 0) rc = store_commit(&t, &e);
  if (rc) {
    store_abort(&t);
    fprintf(stderr, "ddbwatch: back-fill of index %s of table %s failed: %s\n", b->index,
            b->table, e.msg ? e.msg : "unknown error");
    ddb_err_clear(&e);
    backfill_stop(b);
    return;
  }
  b->filled = done;
  if (activate) backfill_stop(b);
}

void index_backfill_kick(struct ddb_server *srv, const struct table *tbl) {
  for (int i = 0; i < tbl->nindexes; i++) {
    const struct index *ix = &tbl->indexes[i];
    if (ix->status != INDEX_CREATING || strlen(tbl->name) >= 256 || strlen(ix->name) >= 256) continue;
    bool running = false;
    for (struct backfill *b = backfills; b; b = b->next)
      if (!b->closing && b->table_id == tbl->id && strcmp(b->index, ix->name) == 0) running = true;
    if (running) continue;
    struct backfill *b = calloc(1, sizeof *b);
    if (!b) abort();
    b->srv = srv;
    b->table_id = tbl->id;
    strcpy(b->table, tbl->name);
    strcpy(b->index, ix->name);
    const char *min = getenv("DDBWATCH_BACKFILL_MIN_MS");
    b->not_before = uv_now(srv->loop) + (min ? strtoull(min, NULL, 10) : 0);
    uv_timer_init(srv->loop, &b->timer);
    uv_timer_start(&b->timer, backfill_tick, 0, 1);
    uv_unref((uv_handle_t *)&b->timer);
    b->next = backfills;
    backfills = b;
  }
}
