/*
** instrument/detectors/detectors.c: the detector table (ids, names,
** severities, the texts SARIF rules and the README show) and the operation
** families the detectors share.
*/
#include <stdlib.h>
#include <string.h>

#include "detectors.h"

const struct inst_detector inst_detectors[DET_COUNT] = {
    [DET_DDB001] = {"DDB001", "legacy conditional parameter", INST_INFO, INST_HIGH,
                    "A request uses a legacy conditional parameter (Expected, ScanFilter, QueryFilter, "
                    "KeyConditions, ConditionalOperator).",
                    "Info for any legacy conditional parameter; high when an operator is NOT_NULL, NULL, "
                    "NE or NOT_CONTAINS, when ConditionalOperator is OR, when GT/GE compare against an "
                    "empty string or \"*\", or (with a frozen baseline) when the parameter, attribute or "
                    "operator is not in the call site's baseline: the classic injection through a "
                    "filter object built from a parsed query string.",
                    "Build conditions with FilterExpression / ConditionExpression from constant text and "
                    "pass input only as ExpressionAttributeValues; never hand a client-supplied object "
                    "to ScanFilter, QueryFilter or Expected.",
                    det_legacy_pre, NULL},
    [DET_DDB003] = {"DDB003", "tautology", INST_HIGH, INST_HIGH,
                    "A condition that is always true by its shape.",
                    "Identical operands of =, <= or >= (size(x) = size(x), :a = :a; a = a is refused "
                    "by DynamoDB and reported as an attempt), placeholders whose values make a "
                    "comparison constant, attribute_exists(a) OR attribute_not_exists(a), a = :v OR "
                    "a <> :v, c OR NOT c; in PartiQL a constant comparison ('1' = '1') or an OR "
                    "branch without the partition-key equality that another branch has (WHERE "
                    "userId = 'x' OR userId <> 'x').",
                    "Input reached the expression or statement text: build it from constants and "
                    "pass input as ExpressionAttributeValues or PartiQL ? parameters.",
                    NULL, det_tautology_post},
    [DET_DDB004] = {"DDB004", "expression or statement shape drift", INST_HIGH, INST_HIGH,
                    "An expression or statement template the call site never sent while the "
                    "baseline was learned.",
                    "With --baseline: a template (names as #, values as :, AND/OR operands sorted; "
                    "PartiQL literals as ?) that is not in the baseline for the call site, an "
                    "operation the call site never made, or (newCallsites) a call site the baseline "
                    "does not know.",
                    "Find where the expression text is assembled from input. If the new shape is "
                    "legitimate (an optional filter the tests did not exercise), learn the baseline "
                    "again with tests that cover it.",
                    NULL, det_drift_post},
    [DET_DDB005] = {"DDB005", "PartiQL with inlined literals", INST_MEDIUM, INST_HIGH,
                    "A PartiQL statement with literal values and no ? parameters.",
                    "ExecuteStatement, BatchExecuteStatement or ExecuteTransaction whose statement has "
                    "string, number or Ion literals and no parameters: input was probably "
                    "concatenated into it. Medium; high when the statement's template is not in the "
                    "call site's baseline.",
                    "Write ? in the statement and pass the values in Parameters.",
                    NULL, det_partiql_post},
    [DET_DDB006] = {"DDB006", "full-table read", INST_MEDIUM, INST_HIGH,
                    "A read whose work is not bounded by a partition key.",
                    "A Scan, or a PartiQL SELECT without an equality or IN condition on the partition "
                    "key, reads every item of the table (up to 1 MB per page before any filter). "
                    "Medium; high when an app principal makes it.",
                    "Query by partition key instead, or allow-list the call site (detectors.DDB006."
                    "allowCallsites) when a full read is intended, e.g. an export job.",
                    det_full_read_pre, det_full_read_post},
    [DET_DDB007] = {"DDB007", "table walk", INST_HIGH, INST_HIGH,
                    "One call site pages through a table or reads most of its items.",
                    "One principal and call site chains at least `pages` pages with ExclusiveStartKey "
                    "within `windowSeconds`, or reads at least `percent` % of a table's items (tables "
                    "of at least `minTableItems` items) within the window.",
                    "Bound the number of pages a request may fetch; return a cursor to the caller "
                    "instead of walking the table on its behalf.",
                    det_walk_pre, det_walk_post},
    [DET_DDB008] = {"DDB008", "parallel-scan abuse", INST_MEDIUM, INST_MEDIUM,
                    "A parallel Scan with more segments than the threshold.",
                    "TotalSegments above `maxSegments` (default 16): each segment is a full request, "
                    "so a caller-controlled TotalSegments multiplies the read load.",
                    "Fix TotalSegments in code; never take it from a request.",
                    det_segments_pre, NULL},
    [DET_DDB009] = {"DDB009", "unbounded or huge Limit", INST_LOW, INST_LOW,
                    "A Scan without Limit, or a Limit above the threshold.",
                    "A Scan without Limit (when `requireLimit`), or a Query or Scan whose Limit exceeds "
                    "`maxLimit` (default 1000).",
                    "Set a Limit that matches what the caller can show; never take it from a request "
                    "unchecked.",
                    det_limit_pre, NULL},
    [DET_DDB010] = {"DDB010", "key type confusion", INST_HIGH, INST_HIGH,
                    "A key attribute whose type differs from the key schema.",
                    "A Key, an Item's key attribute, a key condition's value or a PartiQL key "
                    "equality whose AttributeValue type differs from the table's or index's key "
                    "schema (e.g. L or M where S is declared: what marshall() makes of "
                    "?userId[]=x or {\"userId\":{...}}), even though DynamoDB refuses the request.",
                    "Check the type of every input before it becomes a key (typeof x === 'string'); "
                    "a regular expression test passes an array because it converts it to a string.",
                    NULL, det_key_type_post},
    [DET_DDB011] = {"DDB011", "attacker-shaped value", INST_HIGH, INST_HIGH,
                    "A value shaped by an attacker: a map of one type tag, a type the call site never "
                    "sent, or a prototype name.",
                    "A map whose only member is an AttributeValue type tag ({\"M\":{\"S\":{\"S\":"
                    "\"x\"}}}: an object marshalled twice or sent in DynamoDB's own format); an "
                    "attribute or map member named __proto__, constructor or prototype; with "
                    "--baseline, a placeholder or written attribute whose type is not in the call "
                    "site's baseline (a type change turns = into always false and <> into always "
                    "true).",
                    "Validate the type and shape of input before marshall(); never pass request "
                    "objects through whole.",
                    det_shape_pre, det_type_drift_post},
    [DET_DDB012] = {"DDB012", "unknown or dynamic table", INST_HIGH, INST_HIGH,
                    "An app principal names a table that is not expected, or one call site names "
                    "different tables.",
                    "The table is neither declared in the config, nor existed at start, nor was created "
                    "by a setup principal; or one call site (x-ddbwatch-callsite) named more than "
                    "`maxTablesPerCallsite` tables: the table name likely comes from input.",
                    "Never build a TableName from request input; map input to a fixed set of tables. "
                    "Per-tenant tables: allow them with detectors.DDB012.allowTables (regular "
                    "expressions).",
                    det_tables_pre, NULL},
    [DET_DDB013] = {"DDB013", "table enumeration", INST_HIGH, INST_HIGH,
                    "One principal probes for tables, or touches a honey table.",
                    "At least `distinctTables` different table names answered ResourceNotFound for one "
                    "principal within `windowSeconds`, or any request named one of `honeyTables`.",
                    "Find where table names come from input; honey tables are never used by "
                    "legitimate code.",
                    det_enum_pre, det_enum_post},
    [DET_DDB015] = {"DDB015", "reconnaissance by an app principal", INST_MEDIUM, INST_MEDIUM,
                    "An app principal lists or describes tables or account settings.",
                    "ListTables, DescribeTable, DescribeLimits, DescribeTimeToLive, ListBackups, "
                    "ListTagsOfResource and other describe/list calls by an app principal.",
                    "Application code rarely needs the control plane; if an ORM describes tables at "
                    "start, run that with a setup principal or allow-list its call site.",
                    det_recon_pre, NULL},
    [DET_DDB016] = {"DDB016", "control-plane call by an app principal", INST_HIGH, INST_CRITICAL,
                    "An app principal creates, changes or deletes tables, backups, TTL or policies.",
                    "Any management operation (CreateTable, UpdateTable, TagResource, CreateBackup, "
                    "...) by an app principal is high; DeleteTable, UpdateTimeToLive, "
                    "ExportTableToPointInTime and PutResourcePolicy are critical.",
                    "Give the application's credentials data-plane permissions only; manage tables "
                    "with a setup principal (principals.setup).",
                    det_control_pre, NULL},
    [DET_DDB017] = {"DDB017", "mass assignment", INST_HIGH, INST_HIGH,
                    "A write that sets attributes the call site should not set.",
                    "A PutItem/UpdateItem/BatchWriteItem/TransactWriteItems/PartiQL write that sets "
                    "an attribute on the deny-list (`denyAttributes`: isAdmin, role, permissions, "
                    "owner, tenantId, balance, ...) unless the call site's baseline writes it; with "
                    "--baseline, any attribute name outside the call site's baseline; in any mode, an "
                    "update action on a key attribute.",
                    "Copy only the fields a route may change (an allow-list) instead of spreading "
                    "the request body into the item or the update.",
                    det_mass_pre, det_mass_post},
    [DET_DDB018] = {"DDB018", "sensitive projection", INST_MEDIUM, INST_MEDIUM,
                    "A read returns sensitive attributes the call site never returned.",
                    "With --baseline: an answer (GetItem, Query, Scan, BatchGetItem, TransactGetItems, "
                    "PartiQL) returns an attribute on `sensitiveAttributes` (password, passwordHash, "
                    "token, secret, apiKey, ...) that the call site's baseline never returned.",
                    "Project only the attributes a route needs (ProjectionExpression from constants) "
                    "and never let the caller choose them.",
                    NULL, det_sensitive_post},
    [DET_DDB019] = {"DDB019", "malformed expressions", INST_MEDIUM, INST_MEDIUM,
                    "A burst of malformed expressions from one call site.",
                    "Every syntax error, undefined or unused placeholder and reserved-word misuse is "
                    "recorded in the audit log (ddbwatch.expressionError, with the text and offset); "
                    "`burst` of them from one call site within `windowSeconds` is a finding: input "
                    "is probably being spliced into expression text.",
                    "Build expressions from constants and pass every input value through "
                    "ExpressionAttributeValues (and names through ExpressionAttributeNames).",
                    NULL, det_expr_post},
    [DET_DDB020] = {"DDB020", "fuzz canary in a dangerous position", INST_CRITICAL, INST_CRITICAL,
                    "A fuzzer's canary reached a table name, expression, attribute name or PartiQL "
                    "text: an injection proven.",
                    "A string matching one of `canaries` (regular expressions a fuzzer embeds in its "
                    "payloads) in a table or index name, expression text, PartiQL statement text, an "
                    "attribute or placeholder name, or another parameter; a canary inside an "
                    "AttributeValue (an item, key, ExpressionAttributeValues entry or PartiQL "
                    "parameter) is where input belongs and is not reported.",
                    "The input named in the evidence reached the request's structure: pass it as a "
                    "value (ExpressionAttributeValues, ? parameters) and map names through an "
                    "allow-list.",
                    det_canary_pre, NULL},
    [DET_DDB024] = {"DDB024", "oversized request or item", INST_LOW, INST_LOW,
                    "A request or item that is unusually large or deep.",
                    "A request body above `maxRequestBytes`, an item above `maxItemBytes`, with more "
                    "than `maxAttributes` attributes, or nested deeper than `maxDepth`.",
                    "Check sizes before writing; never write a request body whole.",
                    det_size_pre, NULL},
};

int inst_detector_find(const char *id) {
  for (int i = 0; i < DET_COUNT; i++)
    if (id && strcmp(inst_detectors[i].id, id) == 0) return i;
  return -1;
}

/*--------------------------- Operation families ----------------------------*/

struct op_class {
  const char *name;
  unsigned flags;
};

/* Every DynamoDB operation a detector cares about, sorted by name (bsearch).
** CRITICAL: destructive, exfiltrating or persistence-granting. */
static const struct op_class op_classes[] = {
    {"BatchExecuteStatement",               INST_OP_DATA},
    {"BatchGetItem",                        INST_OP_DATA | INST_OP_READ},
    {"BatchWriteItem",                      INST_OP_DATA},
    {"CreateBackup",                        INST_OP_CONTROL},
    {"CreateGlobalTable",                   INST_OP_CONTROL},
    {"CreateTable",                         INST_OP_CONTROL},
    {"DeleteBackup",                        INST_OP_CONTROL},
    {"DeleteItem",                          INST_OP_DATA},
    {"DeleteResourcePolicy",                INST_OP_CONTROL},
    {"DeleteTable",                         INST_OP_CONTROL | INST_OP_CRITICAL},
    {"DescribeBackup",                      INST_OP_RECON | INST_OP_READ},
    {"DescribeContinuousBackups",           INST_OP_RECON | INST_OP_READ},
    {"DescribeContributorInsights",         INST_OP_RECON | INST_OP_READ},
    {"DescribeEndpoints",                   INST_OP_RECON | INST_OP_READ},
    {"DescribeExport",                      INST_OP_RECON | INST_OP_READ},
    {"DescribeGlobalTable",                 INST_OP_RECON | INST_OP_READ},
    {"DescribeGlobalTableSettings",         INST_OP_RECON | INST_OP_READ},
    {"DescribeImport",                      INST_OP_RECON | INST_OP_READ},
    {"DescribeKinesisStreamingDestination", INST_OP_RECON | INST_OP_READ},
    {"DescribeLimits",                      INST_OP_RECON | INST_OP_READ},
    {"DescribeTable",                       INST_OP_RECON | INST_OP_READ},
    {"DescribeTableReplicaAutoScaling",     INST_OP_RECON | INST_OP_READ},
    {"DescribeTimeToLive",                  INST_OP_RECON | INST_OP_READ},
    {"DisableKinesisStreamingDestination",  INST_OP_CONTROL},
    {"EnableKinesisStreamingDestination",   INST_OP_CONTROL},
    {"ExecuteStatement",                    INST_OP_DATA},
    {"ExecuteTransaction",                  INST_OP_DATA},
    {"ExportTableToPointInTime",            INST_OP_CONTROL | INST_OP_CRITICAL},
    {"GetItem",                             INST_OP_DATA | INST_OP_READ},
    {"GetResourcePolicy",                   INST_OP_RECON | INST_OP_READ},
    {"ImportTable",                         INST_OP_CONTROL},
    {"ListBackups",                         INST_OP_RECON | INST_OP_READ},
    {"ListContributorInsights",             INST_OP_RECON | INST_OP_READ},
    {"ListExports",                         INST_OP_RECON | INST_OP_READ},
    {"ListGlobalTables",                    INST_OP_RECON | INST_OP_READ},
    {"ListImports",                         INST_OP_RECON | INST_OP_READ},
    {"ListTables",                          INST_OP_RECON | INST_OP_READ},
    {"ListTagsOfResource",                  INST_OP_RECON | INST_OP_READ},
    {"PutItem",                             INST_OP_DATA},
    {"PutResourcePolicy",                   INST_OP_CONTROL | INST_OP_CRITICAL},
    {"Query",                               INST_OP_DATA | INST_OP_READ},
    {"RestoreTableFromBackup",              INST_OP_CONTROL},
    {"RestoreTableToPointInTime",           INST_OP_CONTROL},
    {"Scan",                                INST_OP_DATA | INST_OP_READ},
    {"TagResource",                         INST_OP_CONTROL},
    {"TransactGetItems",                    INST_OP_DATA | INST_OP_READ},
    {"TransactWriteItems",                  INST_OP_DATA},
    {"UntagResource",                       INST_OP_CONTROL},
    {"UpdateContinuousBackups",             INST_OP_CONTROL},
    {"UpdateContributorInsights",           INST_OP_CONTROL},
    {"UpdateGlobalTable",                   INST_OP_CONTROL},
    {"UpdateGlobalTableSettings",           INST_OP_CONTROL},
    {"UpdateItem",                          INST_OP_DATA},
    {"UpdateKinesisStreamingDestination",   INST_OP_CONTROL},
    {"UpdateTable",                         INST_OP_CONTROL},
    {"UpdateTableReplicaAutoScaling",       INST_OP_CONTROL},
    {"UpdateTimeToLive",                    INST_OP_CONTROL | INST_OP_CRITICAL},
};

static int op_class_cmp(const void *key, const void *elem) {
  return strcmp(key, ((const struct op_class *)elem)->name);
}

unsigned inst_op_class(const char *op) {
  if (!op) return 0;
  const struct op_class *c = bsearch(op, op_classes, sizeof op_classes / sizeof op_classes[0],
                                     sizeof op_classes[0], op_class_cmp);
  return c ? c->flags : 0;
}
