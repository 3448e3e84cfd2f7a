/*
** server/expr/internal.h: what the files of server/expr/ share and nobody else
** should use: tokens, the context's layout, and the cross-file helpers
** (prefix expr__).
*/
#ifndef DDB_EXPR_INTERNAL_H
#define DDB_EXPR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"

/* Token types. Keywords are matched case-insensitively and never act as names. */
enum expr_tk {
  TK_EOF,
  TK_ID,        /* [A-Za-z][A-Za-z0-9_]* */
  TK_NAMEREF,   /* #[A-Za-z0-9_]+ */
  TK_VALREF,    /* :[A-Za-z0-9_]+ */
  TK_NUMBER,    /* 0 | [1-9][0-9]* */
  TK_LPAREN, TK_RPAREN, TK_LBRACKET, TK_RBRACKET, TK_COMMA, TK_DOT,
  TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE, TK_PLUS, TK_MINUS,
  TK_AND, TK_OR, TK_NOT, TK_BETWEEN, TK_IN,
  TK_SET, TK_REMOVE, TK_ADD, TK_DELETE,
  TK_UNKNOWN,   /* any other character (one code point) */
};

struct expr_token {
  uint8_t type;    /* enum expr_tk */
  uint32_t pos;    /* byte offset */
  uint32_t len;    /* bytes */
};

/* Split text into tokens (whitespace is space, tab, CR, LF), ending with one
** TK_EOF token at offset len. Returns the array (arena) and its length. */
struct expr_token *expr__tokenize(struct arena *a, const char *text, size_t len, size_t *n);

/* Length in UTF-16 code units, as DynamoDB measures expressions. */
size_t expr__utf16_length(const char *text, size_t len);

/* One ExpressionAttributeNames / ExpressionAttributeValues entry. */
struct expr_key {
  const char *key;       /* "#n" / ":v" (borrowed from the object) */
  const json_t *value;   /* borrowed */
  uint32_t order;        /* position in the request's object */
  bool used;
};

struct expr_ctx {
  struct arena *arena;
  struct expr_key *names, *values; /* sorted by key for bsearch */
  size_t nnames, nvalues;
  const struct expr *parsed[EXPR_KIND_COUNT];
  struct expr_diag diag;
  bool failed;
};

/* Look a placeholder up; NULL when undefined. Marks it used. */
struct expr_key *expr__lookup(struct expr_key *keys, size_t n, const char *key);

/* The parser proper: syntax only. Returns the root or NULL with the
** diagnostic and e filled. */
struct expr *expr__parse_syntax(struct expr_ctx *c, enum expr_kind kind, const char *text,
                                size_t len, struct ddb_err *e);

/* The validation passes after a successful syntax parse. */
int expr__validate(struct expr_ctx *c, enum expr_kind kind, struct expr *root,
                   const char *text, size_t len, struct ddb_err *e);

/* Record a diagnostic and fail e with "Invalid <Kind>: <msg>". token may be
** NULL; offset UINT32_MAX when unknown. Returns -1. */
int expr__fail(struct expr_ctx *c, struct ddb_err *e, enum expr_kind kind,
               enum expr_diag_class cls, const char *text, size_t len, const char *token,
               uint32_t offset, const char *fmt, ...) __attribute__((format(printf, 9, 10)));

/* Attribute-value helpers shared by the evaluators. */
/* The single type key of an AttributeValue ("S", "N", ...), or NULL. */
const char *expr__av_type(const json_t *av);
/* Java's rendering of an AttributeValue in BETWEEN messages: "{N:5}". */
char *expr__av_brief(struct arena *a, const json_t *av);
/* Compare two S, N or B values of one type: <0, 0, >0; *ok false when they
** cannot be ordered (types differ or not scalar). */
int expr__av_compare(const json_t *x, const json_t *y, bool *ok);

/* The operator as written in messages and dumps: "=", "BETWEEN", "SET", ... */
const char *expr__op_text(int op);

/* java.lang.String.hashCode of UTF-8 text, the HashMap bucket of a hash, and
** the capacity of a HashMap filled key by key: DynamoDB's orders (unused keys,
** update actions) come from Java hash maps. */
uint32_t expr__java_hash(const char *s, size_t len);
uint32_t expr__java_bucket(uint32_t hash, uint32_t cap);
uint32_t expr__java_capacity(size_t n);

/* Path equality after resolution (for identical-operand and overlap checks). */
bool expr__path_equal(const struct expr *a, const struct expr *b);

#endif
