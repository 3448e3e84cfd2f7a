/*
** server/expr/expr.h: DynamoDB's expression language.
**
** One tokenizer and one recursive-descent parser serve all five expression
** parameters (ConditionExpression, FilterExpression, KeyConditionExpression,
** ProjectionExpression, UpdateExpression). Parsing happens against a request
** context that holds the request's ExpressionAttributeNames and
** ExpressionAttributeValues; several expressions of one request are parsed
** against the same context, and expr_ctx_check_unused() then reports names or
** values that none of them used, as DynamoDB does.
**
** Validation follows DynamoDB's order (see check.c): syntax, doubled
** parentheses included; a pre-order pass (function names and placement,
** reserved words, list index range, duplicate update sections); for updates
** and projections the target paths from last to first (their #names, then
** overlap); a post-order pass (#names, :values, operator count, operand
** counts and types). Every message is DynamoDB's text, prefixed "Invalid
** <Kind>: ". tests/unit/test_expr_parse.c holds the recorded cases and the few
** places where we follow DynamoDB's documentation rather than DynamoDB Local.
**
** Ownership: every node, string and the diagnostic live in the arena given to
** expr_ctx_new() and die at arena_clear(). Resolved names and values point into
** the ExpressionAttributeNames / ExpressionAttributeValues objects (borrowed: the
** caller keeps them alive as long as the context). The evaluators never keep a
** reference to an item they are given; the items they return are new
** references owned by the caller.
**
**   struct expr_ctx *c = expr_ctx_new(&r->arena, names, values);
**   const struct expr *upd, *cond;
**   if (expr_parse(c, EXPR_UPDATE, text, len, &upd, &r->err)) return -1;
**   if (expr_parse(c, EXPR_CONDITION, ctext, clen, &cond, &r->err)) return -1;
**   if (expr_ctx_check_unused(c, &r->err)) return -1;
**   ...
**   rc = expr_eval_condition(cond, old_item, &r->err);   (1 true, 0 false)
**   rc = expr_apply_update(upd, old_item, &new_item, &r->err);
*/
#ifndef DDB_EXPR_H
#define DDB_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "arena.h"
#include "errors.h"

/* Longest expression, in UTF-16 code units as DynamoDB counts (4 KB). */
#define EXPR_MAX_LENGTH 4096
/* Most operators and functions in one expression. */
#define EXPR_MAX_OPERATORS 300
/* Most operands on the right of IN. */
#define EXPR_MAX_IN_OPERANDS 100
/* Largest list index DynamoDB accepts in a document path. */
#define EXPR_MAX_LIST_INDEX 2147483647LL

/* Which request parameter an expression came from: it selects the grammar,
** what is allowed, and the "Invalid <Kind>:" prefix of messages. */
enum expr_kind {
  EXPR_CONDITION,     /* ConditionExpression */
  EXPR_FILTER,        /* FilterExpression */
  EXPR_KEY_CONDITION, /* KeyConditionExpression */
  EXPR_PROJECTION,    /* ProjectionExpression */
  EXPR_UPDATE,        /* UpdateExpression */
  EXPR_KIND_COUNT
};

/* "ConditionExpression", ... */
const char *expr_kind_name(enum expr_kind kind);

/* Node operators. Conditions, operands, update actions and the roots of
** projection and update expressions are all struct expr. */
enum expr_op {
  EXPR_OP_OR,       /* args[0] OR args[1] */
  EXPR_OP_AND,      /* args[0] AND args[1] */
  EXPR_OP_NOT,      /* NOT args[0] */
  EXPR_OP_EQ,       /* args[0] = args[1] */
  EXPR_OP_NE,       /* <> */
  EXPR_OP_LT,       /* < */
  EXPR_OP_LE,       /* <= */
  EXPR_OP_GT,       /* > */
  EXPR_OP_GE,       /* >= */
  EXPR_OP_BETWEEN,  /* args[0] BETWEEN args[1] AND args[2] */
  EXPR_OP_IN,       /* args[0] IN (args[1], ...) */
  EXPR_OP_FUNC,     /* fn(args...): see fn and name */
  EXPR_OP_PATH,     /* document path: elems[0..nelems) */
  EXPR_OP_VALUE,    /* :placeholder: ref and value */
  EXPR_OP_PLUS,     /* update value args[0] + args[1] */
  EXPR_OP_MINUS,    /* update value args[0] - args[1] */
  EXPR_OP_SET,      /* SET args[0] (path) = args[1] (value) */
  EXPR_OP_REMOVE,   /* REMOVE args[0] (path) */
  EXPR_OP_ADD,      /* ADD args[0] (path) args[1] (value) */
  EXPR_OP_DELETE,   /* DELETE args[0] (path) args[1] (value) */
  EXPR_OP_CLAUSE,   /* one update clause: args are actions of one verb (clause_op) */
  EXPR_OP_UPDATE,   /* update root: args are clauses in source order */
  EXPR_OP_PROJECTION, /* projection root: args are paths */
  EXPR_OP_COUNT
};

/* Functions, by name. EXPR_FN_UNKNOWN never survives a successful parse. */
enum expr_fn {
  EXPR_FN_UNKNOWN,
  EXPR_FN_ATTRIBUTE_EXISTS,
  EXPR_FN_ATTRIBUTE_NOT_EXISTS,
  EXPR_FN_ATTRIBUTE_TYPE,
  EXPR_FN_BEGINS_WITH,
  EXPR_FN_CONTAINS,
  EXPR_FN_SIZE,
  EXPR_FN_IF_NOT_EXISTS,
  EXPR_FN_LIST_APPEND,
};

/* One step of a document path. */
enum expr_elem_kind {
  EXPR_ELEM_NAME,  /* a literal attribute name: a */
  EXPR_ELEM_REF,   /* an #name placeholder, resolved into name/len */
  EXPR_ELEM_INDEX, /* a list index: [3] */
};

struct expr_elem {
  uint8_t kind;        /* enum expr_elem_kind */
  uint32_t pos;        /* byte offset of the step in the source */
  const char *ref;     /* EXPR_ELEM_REF: "#name" as written (arena) */
  const char *name;    /* NAME: as written; REF: the resolved attribute name
                          (borrowed from ExpressionAttributeNames) */
  size_t len;          /* bytes of name (names may contain NUL) */
  int64_t index;       /* EXPR_ELEM_INDEX */
};

/* One node. Only the fields that the op names are meaningful. */
struct expr {
  uint8_t op;            /* enum expr_op */
  uint8_t fn;            /* EXPR_OP_FUNC: enum expr_fn */
  uint8_t clause_op;     /* EXPR_OP_CLAUSE: EXPR_OP_SET/REMOVE/ADD/DELETE */
  uint8_t parens;        /* parentheses written directly around this node */
  uint32_t pos, end;     /* byte span in the source text (without parens) */
  uint32_t nargs;
  struct expr **args;    /* operands, actions or clauses */
  const char *name;      /* EXPR_OP_FUNC: function name as written */
  uint32_t nelems;       /* EXPR_OP_PATH */
  struct expr_elem *elems;
  const char *ref;       /* EXPR_OP_VALUE: ":name" as written */
  const json_t *value;   /* EXPR_OP_VALUE: borrowed from ExpressionAttributeValues */
};

/* The class of a malformed-expression error, for instrumentation. */
enum expr_diag_class {
  EXPR_DIAG_NONE,
  EXPR_DIAG_EMPTY,           /* "The expression can not be empty;" */
  EXPR_DIAG_TOO_LONG,        /* longer than 4 KB */
  EXPR_DIAG_SYNTAX,          /* Syntax error; token: ..., near: ... */
  EXPR_DIAG_STRUCTURE,       /* redundant parentheses, duplicate update section,
                                identical operands, key-condition shape */
  EXPR_DIAG_RESERVED,        /* reserved word used as a name */
  EXPR_DIAG_FUNCTION,        /* unknown function, misplaced, wrong operand count */
  EXPR_DIAG_UNDEFINED_NAME,  /* #n not in ExpressionAttributeNames */
  EXPR_DIAG_UNDEFINED_VALUE, /* :v not in ExpressionAttributeValues */
  EXPR_DIAG_UNUSED_NAME,     /* a name no expression used */
  EXPR_DIAG_UNUSED_VALUE,    /* a value no expression used */
  EXPR_DIAG_PATH,            /* overlapping or conflicting document paths */
  EXPR_DIAG_LIMIT,           /* operator count, IN operands, list index range */
  EXPR_DIAG_TYPE,            /* operand types, BETWEEN bounds */
};

const char *expr_diag_class_name(enum expr_diag_class c); /* "syntax", ... */

/* What went wrong with a malformed expression: kept in the context (arena)
** for detectors. For unused names/values, kind is EXPR_KIND_COUNT and text is
** NULL; token lists the unused keys ("#a, #b"). */
struct expr_diag {
  enum expr_diag_class cls;
  enum expr_kind kind;
  const char *text;      /* the expression (arena copy), or NULL */
  size_t text_len;
  const char *token;     /* offending token, name, value or keyword; or NULL */
  uint32_t offset;       /* byte offset of token in text; UINT32_MAX if none */
  const char *message;   /* the message sent to the client (arena) */
};

struct expr_ctx;

/* A parse context for one request. names and values are the request's
** ExpressionAttributeNames / ExpressionAttributeValues objects or NULL; they are
** borrowed and must outlive the context. Allocated in arena a. */
struct expr_ctx *expr_ctx_new(struct arena *a, const json_t *names, const json_t *values);

/* Parse and validate text (len bytes; need not be NUL-terminated) as the given
** kind. On success stores the root in *out (arena) and returns 0; on failure
** returns -1 with e set to DynamoDB's ValidationException and the context's
** diagnostic filled. Marks the names and values used. */
int expr_parse(struct expr_ctx *c, enum expr_kind kind, const char *text, size_t len,
               const struct expr **out, struct ddb_err *e);

/* After every expression of the request is parsed: DynamoDB's error for
** ExpressionAttributeNames, then ExpressionAttributeValues, that no expression
** used ("Value provided in ExpressionAttributeNames unused in expressions: keys:
** {#a, #b}"). Returns 0 or -1 with e set. */
int expr_ctx_check_unused(struct expr_ctx *c, struct ddb_err *e);

/* Validate the two maps themselves as DynamoDB does before parsing: empty maps,
** key syntax (#name / :name), empty attribute names, and each value through
** value_check_ex(value_flags) (which canonicalises numbers in place, hence
** non-const): "ExpressionAttributeValues contains invalid value: <why> for key
** :v". Either may be NULL. Returns 0 or -1 with e set. */
int expr_check_attribute_maps(const json_t *names, json_t *values, unsigned value_flags,
                              struct ddb_err *e);

/* The diagnostic of the last failure, or NULL when nothing failed. */
const struct expr_diag *expr_ctx_diag(const struct expr_ctx *c);
/* The successfully parsed expression of a kind, or NULL. */
const struct expr *expr_ctx_get(const struct expr_ctx *c, enum expr_kind kind);

/* Record root as the context's expression of a kind when the request used a
** legacy parameter instead (a tree from server/ops/legacy.c: Expected,
** QueryFilter, ScanFilter, KeyConditions, AttributeUpdates, AttributesToGet), so
** that instrumentation sees every request's conditions, updates and
** projections in one form. Does nothing when root is NULL or the kind already
** holds a parsed expression. */
void expr_ctx_set(struct expr_ctx *c, enum expr_kind kind, const struct expr *root);

/* ---- Reading the AST ---------------------------------------------------- */

/* True when word (len bytes) is one of DynamoDB's reserved words (any case). */
bool expr_is_reserved(const char *word, size_t len);

/* DynamoDB's rendering of a path in messages: "[a, b, [1]]" (arena). */
char *expr_path_str(struct arena *a, const struct expr *path);

/* A stable S-expression of the tree as written, for tests and logs:
** "(AND (= a :v) (attribute_exists #n[0]))" (arena). */
char *expr_dump(struct arena *a, const struct expr *root);

/* The template fingerprint: the expression re-rendered with every #name as
** '#', every :value as ':', list indexes as '[]', literal names kept, keywords
** upper-case, and the operands of AND / OR (flattened), the actions of an
** update clause, the clauses of an update and the paths of a projection sorted,
** so that equivalent expressions from one code path fingerprint alike (arena). */
char *expr_fingerprint(struct arena *a, const struct expr *root);

/* ---- Key conditions ------------------------------------------------------ */

/* One condition of a KeyConditionExpression, normalised so the key attribute is
** on the left: op is EXPR_OP_EQ/LT/LE/GT/GE/BETWEEN or EXPR_OP_FUNC
** (begins_with). */
struct expr_key_cond {
  const char *name;      /* key attribute name (borrowed) */
  size_t len;
  uint8_t op;
  const json_t *v1, *v2; /* operand values (v2 for BETWEEN) */
};

/* Split a parsed KeyConditionExpression into at most two key conditions,
** applying DynamoDB's shape rules that do not need the table's schema (only =
** < <= > >= BETWEEN begins_with and AND; one attribute per condition; no
** nested paths; one condition per key). The caller then matches names against
** the key schema. Returns the number of conditions (1 or 2) or -1 with e set. */
int expr_key_conditions(const struct expr *root, struct expr_key_cond out[2],
                        struct ddb_err *e);

/* ---- Evaluation ---------------------------------------------------------- */

/* Evaluate a condition or filter against item (an item map {"name": av, ...},
** or NULL for no item: every path is then missing). Returns 1 (true), 0
** (false) or -1 with e set. */
int expr_eval_condition(const struct expr *cond, const json_t *item, struct ddb_err *e);

/* Resolve a document path in item: a borrowed pointer to the AttributeValue,
** or NULL when missing. */
const json_t *expr_path_get(const struct expr *path, const json_t *item);

/* A new item holding only the projected paths of item (DynamoDB's shape:
** nested maps keep only the selected members, selected list elements are
** compacted in index order). item may be NULL (returns an empty object).
** Returns a new reference. */
json_t *expr_project(const struct expr *projection, const json_t *item);

/* Apply an update expression to old_item (NULL when the item does not exist).
** On success *new_item is a new reference to the resulting item (old_item is
** not modified) and 0 is returned; on DynamoDB's runtime errors (type errors,
** invalid document path, missing attribute in an operand) -1 with e set.
** Keys are not added here: the caller starts from the key when old_item is
** NULL (pass the key object as old_item then). */
int expr_apply_update(const struct expr *update, const json_t *old_item,
                      json_t **new_item, struct ddb_err *e);

/* For ReturnValues UPDATED_OLD / UPDATED_NEW: the attributes of item at the
** document paths the update wrote or removed, in projection shape. Returns a
** new reference (an empty object when nothing matched). */
json_t *expr_update_returned(const struct expr *update, const json_t *item);

/* True when some action of the update targets top-level attribute name
** (len bytes) itself or a path inside it (for "Cannot update attribute pk.
** This attribute is part of the key"). */
bool expr_update_touches(const struct expr *update, const char *name, size_t len);

#endif
