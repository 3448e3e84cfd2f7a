/*
** server/partiql/check.c: what DynamoDB refuses in a statement that parsed,
** before it looks at the table.
**
** Texts from DynamoDB Local 1.25, whose PartiQL layer gives the same answers
** as real DynamoDB once a statement parses, and from the Parity Suite's
** captures of real DynamoDB where they differ ("Unsupported operation:
** IsType"). A statement that is no SELECT, INSERT, UPDATE or DELETE is
** "Unsupported operation: <node>" (PartiQL's AST names), except an operator
** or function call, which DynamoDB takes for a misplaced EXISTS.
*/
#include <string.h>
#include <strings.h>

#include "partiql.h"

static int check_fail(struct ddb_err *e, const char *msg) { return ddb_fail(e, DDB_VALIDATION, "%s", msg); }

static char *check_pos(struct arena *a, const struct pql_parsed *p, const struct pql_node *n) {
  return pql_position(a, p->text, p->len, n->pos, n->len);
}

/* PartiQL's AST name of a node that cannot be a statement. */
static const char *ast_name(const struct pql_node *n) {
  switch (n->kind) {
  case PQL_N_ID: return "VariableReference";
  case PQL_N_PATH: return "Path";
  case PQL_N_PARAM: return "Parameter";
  case PQL_N_LIST:
  case PQL_N_BAG: return "Seq";
  case PQL_N_STRUCT: return "Struct";
  case PQL_N_IS: return "IsType";
  case PQL_N_MISSING: return "LiteralMissing";
  default: return "Literal";
  }
}

/* The table named by a DML source: an identifier, or NULL. */
static bool single_name(const struct pql_node *src) { return src && src->kind == PQL_N_ID; }

/* "t"."index": two identifier steps. */
static bool index_source(const struct pql_node *src) {
  return src && src->kind == PQL_N_PATH && src->nkids == 2 && src->kids[0]->kind == PQL_N_ID &&
         src->kids[1]->kind == PQL_N_DOT && !(src->kids[1]->flags & PQL_F_STAR);
}

static int check_select(struct arena *a, const struct pql_parsed *p, const struct pql_stmt *s,
                        struct ddb_err *e) {
  if (s->select_value) return check_fail(e, "Select projection doesn't support value or pivot keywords");
  if (s->distinct) return check_fail(e, "Unsupported token in expression: DISTINCT");
  if (s->nsources > 1) return check_fail(e, "Only select from a single table or index is supported.");
  const struct pql_node *src = s->source;
  if (src->kind == PQL_N_PATH) {
    for (uint32_t i = 1; i < src->nkids; i++)
      if (src->kids[i]->kind == PQL_N_INDEX) return check_fail(e, "Invalid list expression in source.");
    if (src->kids[0]->kind != PQL_N_ID) return check_fail(e, "Unexpected from source");
    if (src->nkids > 2) return check_fail(e, "A path may contain at most 2 components in the FROM clause");
    if (src->kids[1]->flags & PQL_F_STAR)
      return check_fail(e, "Invalid path dot component in this operation, expecting either an IDENTIFIER or STAR.");
  } else if (src->kind != PQL_N_ID) {
    return check_fail(e, "Unexpected from source");
  }
  if (s->alias || s->proj_alias) return check_fail(e, "Aliasing is not supported");
  for (uint32_t i = 0; i < s->nproj; i++) {
    const struct pql_node *x = s->proj[i];
    if (x->kind != PQL_N_STAR && x->kind != PQL_N_ID && x->kind != PQL_N_PATH)
      return ddb_fail(e, DDB_VALIDATION, "Unexpected path component at %s", check_pos(a, p, x));
  }
  if (s->group_by) return check_fail(e, "Unsupported clause: GROUP BY");
  if (s->having)
    return ddb_fail(e, DDB_VALIDATION, "Unsupported clause: HAVING at %s", check_pos(a, p, s->having));
  if (s->limit) return ddb_fail(e, DDB_VALIDATION, "Unsupported clause: LIMIT at %s", check_pos(a, p, s->limit));
  if (s->norder) {
    if (!s->where) return check_fail(e, "Must have WHERE clause in the statement when using ORDER BY clause.");
    for (uint32_t i = 0; i < s->norder; i++) {
      const struct pql_node *x = s->order[i].expr;
      if (x->kind != PQL_N_ID)
        return ddb_fail(e, DDB_VALIDATION,
                        "Argument to ORDER BY must be of type VariableReference. Type: %s", ast_name(x));
    }
  }
  return 0;
}

static int check_dml(struct arena *a, const struct pql_parsed *p, const struct pql_stmt *s,
                     bool in_transaction, struct ddb_err *e) {
  const char *kw = s->verb == PQL_INSERT ? "INSERT" : s->verb == PQL_UPDATE ? "UPDATE" : "DELETE";
  (void)kw;
  if (s->verb == PQL_INSERT) {
    if (s->insert_op)
      return check_fail(e, "Unsupported operation: InsertOp");
    if (!single_name(s->source))
      return check_fail(e, "FROM clause may only contain a single table name in data manipulation statements");
    if (s->at)
      return ddb_fail(e, DDB_VALIDATION, "AT is not supported in insert statements. at %s",
                      check_pos(a, p, s->insert_pos));
    if (s->returning != PQL_RET_NONE) return check_fail(e, "RETURNING is not supported in INSERT");
    if (s->value->kind != PQL_N_STRUCT)
      return ddb_fail(e, DDB_VALIDATION,
                      "Unsupported format in item expression. Please use struct format {...} to "
                      "express item values for insert statement. at %s",
                      check_pos(a, p, s->value));
    return 0;
  }
  if (s->alias) return check_fail(e, "Aliasing is not supported");
  if (s->nested_insert) {
    struct pql_node first = {.pos = s->pos, .len = 6};
    return ddb_fail(e, DDB_VALIDATION,
                    "Unsupported FROM ... WHERE ... clause in INSERT statement. at %s",
                    check_pos(a, p, &first));
  }
  if (s->from_first && s->nsources > 1)
    return check_fail(e, "FROM clause may only contain a single table name in data manipulation statements");
  if (index_source(s->source)) return check_fail(e, "This operation is not supported on an index");
  if (!single_name(s->source))
    return check_fail(e, "FROM clause may only contain a single table name in data manipulation statements");
  if (s->verb == PQL_DELETE && s->returning != PQL_RET_NONE && s->returning != PQL_RET_ALL_OLD) {
    static const char *const names[] = {"", "ALL OLD *", "MODIFIED OLD *", "ALL NEW *", "MODIFIED NEW *"};
    return ddb_fail(e, DDB_VALIDATION,
                    "Invalid returning clause: RETURNING %s. Only RETURNING ALL OLD * is allowed in "
                    "DELETE statements.",
                    names[s->returning]);
  }
  if (in_transaction && s->returning != PQL_RET_NONE)
    return check_fail(e, "RETURNING clause is not supported in ExecuteTransaction.");
  return 0;
}

int pql_check(struct arena *a, const struct pql_parsed *p, bool in_transaction, struct ddb_err *e) {
  const struct pql_node *root = p->root;
  if (p->exists) {
    if (!in_transaction) return check_fail(e, "EXISTS can only be used in ExecuteTransaction write requests.");
    if (!p->stmt) return check_fail(e, "EXISTS() must contain a single item read with additional condition");
    return check_select(a, p, p->stmt, e);
  }
  switch (root->kind) {
  case PQL_N_STMT:
    if (root->stmt->verb == PQL_SELECT) return check_select(a, p, root->stmt, e);
    return check_dml(a, p, root->stmt, in_transaction, e);
  case PQL_N_BINARY:
  case PQL_N_UNARY:
  case PQL_N_CALL:
  case PQL_N_BETWEEN:
    if (in_transaction) return check_fail(e, "Unsupported operation in transaction.");
    return check_fail(e, "EXISTS can only be used in ExecuteTransaction write requests.");
  default:
    return ddb_fail(e, DDB_VALIDATION, "Unsupported operation: %s", ast_name(root));
  }
}
