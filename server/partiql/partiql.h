/*
** server/partiql/partiql.h: DynamoDB's PartiQL: lexer, parser, syntax tree,
** literal values, translation into DynamoDB's expression language, and the
** statement template the instrumentation fingerprints.
**
** DynamoDB parses a statement with PartiQL's reference parser (a Pratt parser
** over SQL-92's keywords plus PartiQL's), so a statement it cannot read gets
** that parser's message inside DynamoDB's envelope:
**   "Statement wasn't well formed, can't be processed: Unexpected term"
** (a lexical error has nothing after the colon). Only then does DynamoDB check
** what it supports ("Aliasing is not supported", "Unsupported clause: LIMIT at
** 1:41:1", ...); those checks live in check.c and, for what needs the table's
** key schema, in server/ops/partiql.c. Positions in messages are
** "at <line>:<column>:<length>", counted in characters from 1.
**
** A WHERE clause, a SET/REMOVE list and a projection list are translated into
** DynamoDB's expression language (compile.c): the text of a
** ConditionExpression / UpdateExpression / ProjectionExpression whose names
** are #placeholders and whose values are :placeholders, with the
** ExpressionAttributeNames / ExpressionAttributeValues maps. server/expr then
** validates it (with DynamoDB's messages, minus the "Invalid <Kind>: " prefix
** that PartiQL does not have) and evaluates it, so PartiQL and the expression
** API share one evaluator.
**
** Ownership: tokens, nodes, statements and strings live in the arena given to
** pql_parse() and die at arena_clear(). JSON values handed out are new
** references unless a comment says otherwise.
*/
#ifndef DDB_PARTIQL_H
#define DDB_PARTIQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "arena.h"
#include "errors.h"

/* The envelope of every syntax error. */
#define PQL_NOT_WELL_FORMED "Statement wasn't well formed, can't be processed: "

/*--------------------------------- Tokens -----------------------------------*/

enum pql_tk {
  PTK_EOF,
  PTK_IDENT,     /* [A-Za-z_$][A-Za-z0-9_$]*, not a keyword */
  PTK_QIDENT,    /* "quoted identifier" ("" escapes ") */
  PTK_STRING,    /* 'string' ('' escapes ') */
  PTK_NUMBER,    /* 12, 1.5, .5, 1e5, 7.31E+6 */
  PTK_ION,       /* `ion literal` */
  PTK_QMARK,     /* ? */
  PTK_KEYWORD,   /* see enum pql_kw */
  PTK_OP,        /* operators: see pql_token.op */
  PTK_STAR,      /* * */
  PTK_DOT, PTK_COMMA, PTK_COLON, PTK_SEMI,
  PTK_LPAREN, PTK_RPAREN, PTK_LBRACKET, PTK_RBRACKET, PTK_LCURLY, PTK_RCURLY,
  PTK_LBAG,      /* << */
  PTK_RBAG,      /* >> */
};

/* Keywords the parser treats specially; every other keyword is PKW_OTHER. */
enum pql_kw {
  PKW_OTHER,
  PKW_ALL, PKW_AND, PKW_AS, PKW_ASC, PKW_AT, PKW_BETWEEN, PKW_BY, PKW_DELETE, PKW_DESC,
  PKW_DISTINCT, PKW_ESCAPE, PKW_EXCEPT, PKW_FALSE, PKW_FROM, PKW_GROUP, PKW_HAVING, PKW_IN,
  PKW_INSERT, PKW_INTERSECT, PKW_INTO, PKW_IS, PKW_LET, PKW_LIKE, PKW_LIMIT, PKW_MISSING,
  PKW_MODIFIED, PKW_NEW, PKW_NOT, PKW_NULL, PKW_OFFSET, PKW_OLD, PKW_OR, PKW_ORDER,
  PKW_REMOVE, PKW_RETURNING, PKW_SELECT, PKW_SET, PKW_TRUE, PKW_UNION, PKW_UPDATE,
  PKW_VALUE, PKW_VALUES, PKW_WHERE,
};

/* Operators, also the operators of PQL_N_UNARY / PQL_N_BINARY nodes. */
enum pql_op {
  POP_NONE,
  POP_OR, POP_AND, POP_NOT,
  POP_EQ, POP_NE, POP_LT, POP_LE, POP_GT, POP_GE,
  POP_PLUS, POP_MINUS, POP_MUL, POP_DIV, POP_MOD, POP_CONCAT,
  POP_LIKE, POP_IN, POP_AT, POP_UNION, POP_EXCEPT, POP_INTERSECT,
};

struct pql_token {
  uint8_t type;   /* enum pql_tk */
  uint8_t kw;     /* PTK_KEYWORD: enum pql_kw */
  uint8_t op;     /* PTK_OP: enum pql_op */
  uint32_t pos;   /* byte offset in the statement */
  uint32_t len;   /* bytes */
};

/* Split a statement into tokens ending with one PTK_EOF. Comments (-- to the
** end of the line, block comments) are whitespace. Returns 0, or -1 with e set
** to the lexical error (the envelope with nothing after the colon). */
int pql_lex(struct arena *a, const char *text, size_t len, struct pql_token **out, size_t *n,
            struct ddb_err *e);

/* True when word (len bytes) is a PartiQL keyword (any case). */
bool pql_is_keyword(const char *word, size_t len);

/*------------------------------- Syntax tree --------------------------------*/

enum pql_kind {
  PQL_N_STRING,   /* 'text': text is the unescaped value */
  PQL_N_NUMBER,   /* text as written, a folded unary minus included */
  PQL_N_BOOL,     /* TRUE / FALSE: flags PQL_F_TRUE */
  PQL_N_NULL,
  PQL_N_MISSING,
  PQL_N_ION,      /* `...`: text is the content */
  PQL_N_PARAM,    /* ?: param is its 0-based index */
  PQL_N_ID,       /* identifier: text (unescaped), PQL_F_QUOTED */
  PQL_N_PATH,     /* kids[0] is the root, then PQL_N_DOT / PQL_N_INDEX steps */
  PQL_N_DOT,      /* .name: text, PQL_F_QUOTED; PQL_F_STAR for .* */
  PQL_N_INDEX,    /* [expr]: kids[0]; PQL_F_STAR for [*] */
  PQL_N_LIST,     /* [a, b] (also (a, b)) */
  PQL_N_BAG,      /* <<a, b>> */
  PQL_N_STRUCT,   /* {k: v, ...}: kids are key, value, key, value... */
  PQL_N_CALL,     /* name(args): text is the name as written */
  PQL_N_UNARY,    /* op NOT, MINUS, PLUS, AT: kids[0] */
  PQL_N_BINARY,   /* op: kids[0], kids[1]; PQL_F_NEGATED for NOT IN / NOT LIKE */
  PQL_N_BETWEEN,  /* kids[0] BETWEEN kids[1] AND kids[2]; PQL_F_NEGATED */
  PQL_N_IS,       /* kids[0] IS type: text is the type name (upper case); PQL_F_NEGATED */
  PQL_N_STAR,     /* * in a select list */
  PQL_N_STMT,     /* a statement: stmt */
};

#define PQL_F_QUOTED 0x01
#define PQL_F_NEGATED 0x02
#define PQL_F_STAR 0x04
#define PQL_F_TRUE 0x08

struct pql_stmt;

struct pql_node {
  uint8_t kind;          /* enum pql_kind */
  uint8_t op;            /* enum pql_op */
  uint8_t flags;         /* PQL_F_* */
  uint32_t pos, len;     /* the node's main token (operator, name, literal) */
  const char *text;      /* see the kinds */
  size_t tlen;
  uint32_t param;        /* PQL_N_PARAM */
  uint32_t nkids;
  struct pql_node **kids;
  struct pql_stmt *stmt; /* PQL_N_STMT */
};

enum pql_verb { PQL_SELECT, PQL_INSERT, PQL_UPDATE, PQL_DELETE };

/* RETURNING clause of UPDATE / DELETE / INSERT. */
enum pql_returning { PQL_RET_NONE, PQL_RET_ALL_OLD, PQL_RET_MODIFIED_OLD, PQL_RET_ALL_NEW,
                     PQL_RET_MODIFIED_NEW };

/* One SET or REMOVE action of an UPDATE. */
struct pql_action {
  bool remove;
  struct pql_node *target; /* path */
  struct pql_node *value;  /* SET only */
};

/* One ORDER BY item. */
struct pql_order {
  struct pql_node *expr;
  bool desc;
};

struct pql_stmt {
  uint8_t verb;              /* enum pql_verb */
  uint32_t pos;              /* offset of the statement's first token */
  /* Source: SELECT ... FROM, INSERT INTO, UPDATE, DELETE FROM, FROM-first. */
  struct pql_node *source;   /* a path (or whatever expression was written) */
  uint32_t nsources;         /* > 1: FROM a, b / joins */
  struct pql_node *alias;    /* first alias written (AS x, x, AT x, BY x), or NULL */
  bool from_first;           /* FROM t WHERE ... SET ... (an UPDATE) */
  /* SELECT */
  bool select_value;         /* SELECT VALUE / PIVOT */
  bool distinct;
  struct pql_node **proj;    /* select list (PQL_N_STAR for *) */
  uint32_t nproj;
  struct pql_node *proj_alias; /* first AS alias in the select list, or NULL */
  struct pql_node *where;
  struct pql_order *order;
  uint32_t norder;
  struct pql_node *limit;    /* LIMIT expression (unsupported) */
  struct pql_node *offset;
  struct pql_node *having;
  bool group_by;
  /* INSERT */
  struct pql_node *value;    /* INSERT INTO t VALUE value */
  struct pql_node *at;       /* ... AT expr */
  bool insert_op;            /* INSERT INTO t <expr> (no VALUE): unsupported */
  struct pql_node *insert_pos; /* the INSERT keyword, for messages */
  /* UPDATE */
  struct pql_action *actions;
  uint32_t nactions;
  bool nested_insert;        /* UPDATE t INSERT INTO ... / FROM t INSERT INTO ... */
  enum pql_returning returning;
};

/* A parsed statement and what the instrumentation wants to know about it. */
struct pql_parsed {
  const char *text;          /* the statement (borrowed) */
  size_t len;
  struct pql_node *root;     /* the whole statement as an expression */
  struct pql_stmt *stmt;     /* root->stmt, or the SELECT inside EXISTS(...), or NULL */
  bool exists;               /* root is EXISTS(SELECT ...) */
  uint32_t nparams;          /* ? placeholders */
  bool literals;             /* literal values (strings, numbers, TRUE, NULL, ...) */
};

/* Parse a statement. Returns 0 with *out filled, or -1 with e set to DynamoDB's
** syntax error. Checks nothing DynamoDB checks after parsing. */
int pql_parse(struct arena *a, const char *text, size_t len, struct pql_parsed *out,
              struct ddb_err *e);

/* DynamoDB's checks that need no table: unsupported clauses, aliases, the
** statement kind and, for ExecuteTransaction (in_transaction), EXISTS.
** Returns 0 or -1 with e set. */
int pql_check(struct arena *a, const struct pql_parsed *p, bool in_transaction,
              struct ddb_err *e);

/* "1:41:2": line, column (characters from 1) and length in characters of
** bytes [pos, pos + len) of text (arena). */
char *pql_position(struct arena *a, const char *text, size_t text_len, uint32_t pos,
                   uint32_t len);

/* The verb as DynamoDB names it: "SELECT", "INSERT", "UPDATE", "DELETE",
** "EXISTS" (for EXISTS(SELECT ...)), or NULL when the root is none of these. */
const char *pql_verb_name(const struct pql_parsed *p);

/* The statement's template (p needs only text and len: a statement that does
** not parse has one too; NULL when it does not lex): keywords in upper case, identifiers and names as
** written (quoted ones quoted), every literal and every ? written as ?, and a
** list or bag of values as [?] / <<?>>, so that the same code path sends the
** same template whatever values it splices in or binds (arena). */
char *pql_template(struct arena *a, const struct pql_parsed *p);

/*---------------------------------- Values ----------------------------------*/

/* A literal as an AttributeValue (new reference), or NULL with e set to
** DynamoDB's message ("... under root.x", "Empty bags are not supported at
** 1:41:2", ...). params (borrowed, may be NULL) give ?s their values. text is
** the statement, for positions. */
json_t *pql_value(struct arena *a, const char *text, size_t text_len, const struct pql_node *n,
                  const json_t *params, struct ddb_err *e);

/* The item of INSERT INTO t VALUE {...}: the struct's members as attributes
** (a new reference to {"name": av, ...}), or NULL with e set. */
json_t *pql_item(struct arena *a, const char *text, size_t text_len, const struct pql_node *n,
                 const json_t *params, struct ddb_err *e);

/* True when n is a value: a literal, a ? or a list / bag / struct of values. */
bool pql_is_value(const struct pql_node *n);

/* Check the request's Parameters as DynamoDB does before it runs the
** statement: the shape of every value, then each value in order (numbers as
** Java's BigDecimal reads them, nesting depth, sets). Canonicalises numbers in
** place. Returns 0 or -1 with e set. */
int pql_check_parameters(json_t *params, struct ddb_err *e);

/*------------------------------- Translation --------------------------------*/

/* An expression in DynamoDB's expression language, with its maps. */
struct pql_expr {
  char *text;       /* arena; NULL when there is nothing to express */
  json_t *names;    /* ExpressionAttributeNames (owned by the arena) */
  json_t *values;   /* ExpressionAttributeValues (owned by the arena) */
  bool never;       /* a condition that can never hold (e.g. 'x' IS NULL) */
};

/* A translation context: names and values are shared by every expression
** built with it, so one expr_ctx can parse them all. */
struct pql_compiler {
  struct arena *a;
  const char *text;      /* the statement, for positions */
  size_t text_len;
  const json_t *params;  /* the request's Parameters (borrowed) or NULL */
  json_t *names, *values;
  uint32_t nnames, nvalues;
};

void pql_compiler_init(struct pql_compiler *c, struct arena *a, const char *text, size_t len,
                       const json_t *params);

/* The #placeholder of attribute name s (n bytes) in c's names, one per
** distinct name (arena). */
const char *pql_name_ref(struct pql_compiler *c, const char *s, size_t n);

/* A condition (WHERE or a part of it) as a ConditionExpression. With
** skip (may be NULL), the top-level AND operands for which skip returns true
** are left out (the key equalities of a write). Returns 0 with out filled
** (out->text NULL when the condition is always true) or -1 with e set. */
int pql_compile_condition(struct pql_compiler *c, const struct pql_node *where,
                          bool (*skip)(void *, const struct pql_node *), void *skip_arg,
                          struct pql_expr *out, struct ddb_err *e);

/* An UPDATE's SET / REMOVE actions as an UpdateExpression. */
int pql_compile_update(struct pql_compiler *c, const struct pql_stmt *s, struct pql_expr *out,
                       struct ddb_err *e);

/* A document path as expression text ("#n0.#n1[2]") into c's names; out_name
** receives the name SELECT gives the projected value ("b[1]" of a.b[1]; arena).
** Returns the text or NULL with e set. */
char *pql_compile_path(struct pql_compiler *c, const struct pql_node *path, char **out_name,
                       struct ddb_err *e);

/* The top-level AND operands of n, in order: stores the first max of them in
** out (which may be NULL when max is 0) and counts all of them in *count. */
void pql_and_operands(const struct pql_node *n, const struct pql_node **out, uint32_t *count,
                      uint32_t max);

/* The attribute name at the root of a path or identifier node, or NULL. */
const char *pql_root_name(const struct pql_node *n, size_t *len);
/* True when n is a bare attribute (an identifier or a one-step path of one). */
bool pql_is_attribute(const struct pql_node *n, const char **name, size_t *len);

#endif
