/*
** server/ops/legacy.h: DynamoDB's legacy (pre-expression) request parameters,
** checked as DynamoDB checks them and translated into server/expr's AST, so
** that one evaluator serves both forms.
**
**   Expected + ConditionalOperator   -> a condition (EXPR_CONDITION tree)
**   QueryFilter / ScanFilter         -> a condition (same translation)
**   AttributeUpdates                 -> an update (EXPR_OP_UPDATE tree)
**   AttributesToGet                  -> a projection (EXPR_OP_PROJECTION tree)
**
** The trees are built in the request's arena; value nodes borrow the
** AttributeValues from the request body (keep it alive as long as the tree).
** Check a parameter (legacy_check_*) before translating it: the translations
** assume well-formed input.
*/
#ifndef DDB_OPS_LEGACY_H
#define DDB_OPS_LEGACY_H

#include <stdbool.h>
#include <jansson.h>

#include "expr/expr.h"
#include "request.h"

/* Prefix request-validation errors with "1 validation error detected: " (the
** 2026 validation layer of PutItem, UpdateItem and DeleteItem; see
** docs/fidelity.md). Also drops the ": <X> is null" tail of the
** ExpressionAttributeValues-without-expression message, as that layer does. */
#define LEGACY_ENVELOPE 0x1

/* DynamoDB's rules on mixing parameters, in its order:
**   - an expression parameter next to a legacy one: "Can not use both
**     expression and non-expression parameters in the same request:
**     Non-expression parameters: {Expected, ConditionalOperator} Expression
**     parameters: {ConditionExpression}" (both lists in request-model order);
**   - ExpressionAttributeNames without any expression;
**   - ExpressionAttributeValues without any of value_exprs ("...: A and B are
**     null").
** exprs / legacy / value_exprs are NULL-terminated lists of member names.
** Returns 0 or -1 with r->err set. */
int legacy_check_mixing(struct ddb_request *r, const json_t *in, const char *const *exprs,
                        const char *const *legacy, const char *const *value_exprs, unsigned flags);

/* Wrap the error already in r->err in the envelope (when flags has
** LEGACY_ENVELOPE and the error is a ValidationException). Returns -1. */
int legacy_envelope(struct ddb_request *r, unsigned flags);

/* Expected, as DynamoDB validates it before anything reads the table:
** Value/AttributeValueList/Exists/ComparisonOperator combinations, the values
** (value_check_ex with value_flags; canonicalised in place), operand counts,
** one type per list, the types each operator takes, BETWEEN bounds. Then
** ConditionalOperator ("cannot be used without Filter or Expected", "can only
** be used when Filter or Expected has two or more elements"). expected may be
** NULL. Returns 0 or -1 with r->err set. */
int legacy_check_expected(struct ddb_request *r, json_t *expected, const char *conditional_operator,
                          unsigned value_flags);

/* QueryFilter / ScanFilter / KeyConditions style conditions ({attr:
** {ComparisonOperator, AttributeValueList}}): the same value, count and type
** rules. Returns 0 or -1 with r->err set. */
int legacy_check_conditions(struct ddb_request *r, json_t *conditions, unsigned value_flags);

/* The condition tree of an Expected map (or a QueryFilter / ScanFilter map):
** each attribute's test, joined by AND, or by OR when or_join. NULL for an
** absent or empty map. Semantics as DynamoDB's: NOT_CONTAINS and the ordered
** comparisons are false on a missing attribute, NE and NULL are true. */
const struct expr *legacy_condition_expr(struct arena *a, const json_t *conditions, bool or_join);

/* AttributeUpdates, as DynamoDB validates it: each value, then "Only DELETE
** action is allowed when no attribute value is specified", "DELETE action with
** value is not supported for the type STRING", "ADD action is not supported for
** the type BOOLEAN". Returns 0 or -1 with r->err set. */
int legacy_check_attribute_updates(struct ddb_request *r, json_t *updates, unsigned value_flags);

/* The runtime check DynamoDB makes against the stored item before applying
** AttributeUpdates: ADD or DELETE with a value onto an attribute of another
** type is "Type mismatch for attribute to update". old_item may be NULL.
** Returns 0 or -1 with e set. */
int legacy_attribute_updates_precheck(const json_t *updates, const json_t *old_item,
                                      struct ddb_err *e);

/* The update tree of AttributeUpdates: PUT -> SET a = :v; DELETE without a
** value -> REMOVE a; DELETE with a set -> DELETE a :v; ADD of a number or set
** -> ADD a :v; ADD of a list -> SET a = list_append(if_not_exists(a, []), :v).
** NULL for an absent map. */
const struct expr *legacy_update_expr(struct arena *a, const json_t *updates);

/* The projection tree of AttributesToGet (top-level names). NULL when absent. */
const struct expr *legacy_projection_expr(struct arena *a, const json_t *attributes_to_get);

/* AttributesToGet's own rule: "One or more parameter values were invalid:
** Duplicate value in attribute name: a". Returns 0 or -1 with r->err set. */
int legacy_check_attributes_to_get(struct ddb_request *r, const json_t *attributes_to_get);

#endif
