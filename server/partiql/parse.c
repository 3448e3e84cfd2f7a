/*
** server/partiql/parse.c: the recursive-descent / Pratt parser for PartiQL
** statements.
**
** The grammar and the messages follow PartiQL's reference parser, which
** DynamoDB runs (the texts below are the ones real DynamoDB returns after
** "Statement wasn't well formed, can't be processed: ", as the public Parity
** Suite recorded them): a term that cannot start is "Unexpected term" (end of
** statement, ')', ';' ...), "Unexpected keyword" or "Unexpected operator"; an
** infix operator with nothing after it is "Missing right-hand side expression
** of infix operator"; whatever is left after a complete statement is
** "Unexpected token after expression"; "FROM t WHERE ..." not followed by SET,
** REMOVE or INSERT INTO is "Expected data manipulation"; a table that is not an
** identifier is "Expected identifier for simple path"; a path step after '.'
** that is not an identifier (a keyword such as "inner" included) is "Invalid
** path dot component"; IS not followed by a type is "Expected type name".
**
** Statements are terms, as in PartiQL: SELECT ..., INSERT INTO ..., UPDATE ...,
** DELETE FROM ..., the FROM-first UPDATE (FROM t WHERE k = 1 SET a = 2) and
** EXISTS(SELECT ...) are parsed wherever a term may stand, and pql_check()
** refuses what DynamoDB does not run.
**
** Precedence, lowest first: UNION/EXCEPT/INTERSECT 5, OR 10, AND 20, NOT
** (prefix) 25, = <> IS 30, < <= > >= BETWEEN LIKE IN 40, + - || 50, * / % 60.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "partiql.h"

#define PREC_SELECT 5
#define PREC_NOT 25
#define MAX_DEPTH 400

struct parser {
  struct arena *a;
  const char *text;
  size_t len;
  struct pql_token *t; /* tokens, ending with PTK_EOF */
  size_t n, i;         /* count, current */
  struct ddb_err *e;
  uint32_t nparams;
  bool literals;
  int depth;
};

/*--------------------------------- Helpers ----------------------------------*/

static struct pql_token *cur(struct parser *p) { return &p->t[p->i]; }

static struct pql_token *peek(struct parser *p, size_t k) {
  return p->i + k < p->n ? &p->t[p->i + k] : &p->t[p->n - 1];
}

static void advance(struct parser *p) {
  if (p->i + 1 < p->n) p->i++;
}

static bool is_kw(const struct pql_token *t, enum pql_kw kw) {
  return t->type == PTK_KEYWORD && t->kw == kw;
}

/* A syntax error: DynamoDB's envelope and the parser's detail. Returns NULL. */
static void *syntax_fail(struct parser *p, const char *detail) {
  ddb_fail(p->e, DDB_VALIDATION, PQL_NOT_WELL_FORMED "%s", detail);
  return NULL;
}

static struct pql_node *node(struct parser *p, enum pql_kind kind, const struct pql_token *t) {
  struct pql_node *n = arena_alloc(p->a, sizeof *n);
  n->kind = (uint8_t)kind;
  n->pos = t->pos;
  n->len = t->len;
  return n;
}

/* A growable list of node pointers in the arena. */
struct nlist {
  struct pql_node **v;
  uint32_t n, cap;
};

static void nl_push(struct parser *p, struct nlist *l, struct pql_node *x) {
  if (l->n == l->cap) {
    uint32_t cap = l->cap ? l->cap * 2 : 4;
    struct pql_node **bigger = arena_alloc(p->a, cap * sizeof *bigger);
    if (l->n) memcpy(bigger, l->v, l->n * sizeof *bigger);
    l->v = bigger;
    l->cap = cap;
  }
  l->v[l->n++] = x;
}

static void set_kids(struct pql_node *x, struct nlist *l) {
  x->kids = l->v;
  x->nkids = l->n;
}

/* The unescaped text of a quoted token ('it''s' -> it's). */
static void unquote(struct parser *p, const struct pql_token *t, struct pql_node *x) {
  const char *s = p->text + t->pos + 1;
  size_t n = t->len - 2;
  char q = p->text[t->pos];
  char *out = arena_alloc(p->a, n + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    out[o++] = s[i];
    if (s[i] == q && q != '`' && i + 1 < n && s[i + 1] == q) i++;
  }
  out[o] = 0;
  x->text = out;
  x->tlen = o;
}

static void raw_text(struct parser *p, const struct pql_token *t, struct pql_node *x) {
  x->text = arena_strndup(p->a, p->text + t->pos, t->len);
  x->tlen = t->len;
}

/* The TokenType name PartiQL prints in "Expected <type>". */
static const char *tk_name(enum pql_tk t) {
  switch (t) {
  case PTK_RPAREN: return "RIGHT_PAREN";
  case PTK_RBRACKET: return "RIGHT_BRACKET";
  case PTK_RCURLY: return "RIGHT_CURLY";
  case PTK_RBAG: return "RIGHT_DOUBLE_ANGLE_BRACKET";
  case PTK_COLON: return "COLON";
  case PTK_LPAREN: return "LEFT_PAREN";
  default: return "TOKEN";
  }
}

static bool expect(struct parser *p, enum pql_tk type) {
  if (cur(p)->type != type) {
    char msg[64];
    snprintf(msg, sizeof msg, "Expected %s", tk_name(type));
    syntax_fail(p, msg);
    return false;
  }
  advance(p);
  return true;
}

/*------------------------------- Operators ----------------------------------*/

/* Keywords that act as operators: at a term's start they are "Unexpected
** operator", as in PartiQL. */
static bool kw_is_operator(const struct pql_token *t) {
  if (t->type != PTK_KEYWORD) return false;
  switch (t->kw) {
  case PKW_AND: case PKW_OR: case PKW_IS: case PKW_LIKE: case PKW_IN: case PKW_BETWEEN:
  case PKW_UNION: case PKW_EXCEPT: case PKW_INTERSECT:
    return true;
  default:
    return false;
  }
}

/* Infix precedence of the token at p (0: not an infix operator); sets *op and
** *negated (NOT IN / NOT BETWEEN / NOT LIKE, which take two tokens: *width). */
static int infix(struct parser *p, uint8_t *op, bool *negated, int *width) {
  const struct pql_token *t = cur(p);
  *negated = false;
  *width = 1;
  if (t->type == PTK_STAR) return *op = POP_MUL, 60;
  if (t->type == PTK_OP) {
    *op = t->op;
    switch (t->op) {
    case POP_EQ: case POP_NE: return 30;
    case POP_LT: case POP_LE: case POP_GT: case POP_GE: return 40;
    case POP_PLUS: case POP_MINUS: case POP_CONCAT: return 50;
    case POP_DIV: case POP_MOD: return 60;
    default: return 0;
    }
  }
  if (t->type != PTK_KEYWORD) return 0;
  switch (t->kw) {
  case PKW_OR: return *op = POP_OR, 10;
  case PKW_AND: return *op = POP_AND, 20;
  case PKW_IS: return *op = POP_NONE, 30;
  case PKW_LIKE: return *op = POP_LIKE, 40;
  case PKW_IN: return *op = POP_IN, 40;
  case PKW_BETWEEN: return *op = POP_NONE, 40;
  case PKW_UNION: return *op = POP_UNION, 5;
  case PKW_EXCEPT: return *op = POP_EXCEPT, 5;
  case PKW_INTERSECT: return *op = POP_INTERSECT, 5;
  case PKW_NOT: {
    const struct pql_token *u = peek(p, 1);
    if (is_kw(u, PKW_IN) || is_kw(u, PKW_BETWEEN) || is_kw(u, PKW_LIKE)) {
      *negated = true;
      *width = 2;
      *op = is_kw(u, PKW_IN) ? POP_IN : is_kw(u, PKW_LIKE) ? POP_LIKE : POP_NONE;
      return 40;
    }
    return 0;
  }
  default:
    return 0;
  }
}

/*-------------------------------- Grammar -----------------------------------*/

static struct pql_node *parse_expression(struct parser *p, int prec);
static struct pql_node *parse_term(struct parser *p);
static struct pql_node *parse_select(struct parser *p, const struct pql_token *start);

/* Comma-separated expressions up to (not including) a closing token. */
static bool parse_list(struct parser *p, struct nlist *l) {
  for (;;) {
    struct pql_node *x = parse_expression(p, -1);
    if (!x) return false;
    nl_push(p, l, x);
    if (cur(p)->type != PTK_COMMA) return true;
    advance(p);
  }
}

/* IS [NOT] <type>: the canonical type name, or NULL after an error. */
static const char *parse_type(struct parser *p) {
  static const struct {
    const char *word, *canon;
  } types[] = {
      {"missing", "MISSING"}, {"null", "NULL"}, {"bool", "BOOLEAN"}, {"boolean", "BOOLEAN"},
      {"smallint", "SMALLINT"}, {"integer", "INTEGER"}, {"int", "INTEGER"},
      {"integer4", "INTEGER4"}, {"int4", "INTEGER4"}, {"integer8", "INTEGER8"},
      {"int8", "INTEGER8"}, {"bigint", "INTEGER8"}, {"float", "FLOAT"}, {"real", "REAL"},
      {"decimal", "DECIMAL"}, {"dec", "DECIMAL"}, {"numeric", "NUMERIC"},
      {"timestamp", "TIMESTAMP"}, {"char", "CHARACTER"}, {"character", "CHARACTER"},
      {"varchar", "CHARACTER_VARYING"}, {"string", "STRING"}, {"symbol", "SYMBOL"},
      {"clob", "CLOB"}, {"blob", "BLOB"}, {"struct", "STRUCT"}, {"tuple", "TUPLE"},
      {"list", "LIST"}, {"sexp", "SEXP"}, {"bag", "BAG"}, {"date", "DATE"}, {"time", "TIME"},
      {"any", "ANY"},
  };
  const struct pql_token *t = cur(p);
  if (t->type != PTK_KEYWORD && t->type != PTK_IDENT) return syntax_fail(p, "Expected type name");
  const char *w = p->text + t->pos;
  const char *canon = NULL;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strlen(types[i].word) == t->len && strncasecmp(types[i].word, w, t->len) == 0)
      canon = types[i].canon;
  /* Two-word types. */
  const struct pql_token *u = peek(p, 1);
  if (t->len == 6 && strncasecmp(w, "double", 6) == 0 && u->len == 9 &&
      strncasecmp(p->text + u->pos, "precision", 9) == 0) {
    advance(p);
    canon = "DOUBLE_PRECISION";
  } else if (canon && strcmp(canon, "CHARACTER") == 0 && u->len == 7 &&
             strncasecmp(p->text + u->pos, "varying", 7) == 0) {
    advance(p);
    canon = "CHARACTER_VARYING";
  }
  if (!canon) return syntax_fail(p, "Expected type name");
  advance(p);
  if (cur(p)->type == PTK_LPAREN) { /* DECIMAL(5, 2), VARCHAR(10) */
    advance(p);
    struct nlist args = {0};
    if (cur(p)->type != PTK_RPAREN && !parse_list(p, &args)) return NULL;
    if (!expect(p, PTK_RPAREN)) return NULL;
  }
  return canon;
}

/* Path steps after a term: .name, ."name", .*, [expr], [*]. */
static struct pql_node *parse_steps(struct parser *p, struct pql_node *term) {
  struct nlist steps = {0};
  for (;;) {
    const struct pql_token *t = cur(p);
    if (t->type == PTK_DOT) {
      advance(p);
      const struct pql_token *u = cur(p);
      struct pql_node *s = node(p, PQL_N_DOT, u);
      if (u->type == PTK_IDENT) {
        raw_text(p, u, s);
      } else if (u->type == PTK_QIDENT) {
        unquote(p, u, s);
        s->flags |= PQL_F_QUOTED;
      } else if (u->type == PTK_STAR) {
        s->flags |= PQL_F_STAR;
      } else {
        return syntax_fail(p, "Invalid path dot component");
      }
      advance(p);
      if (!steps.n) nl_push(p, &steps, term);
      nl_push(p, &steps, s);
    } else if (t->type == PTK_LBRACKET) {
      advance(p);
      struct pql_node *s = node(p, PQL_N_INDEX, cur(p));
      if (cur(p)->type == PTK_STAR) {
        s->flags |= PQL_F_STAR;
        advance(p);
      } else {
        struct pql_node *x = parse_expression(p, -1);
        if (!x) return NULL;
        s->kids = arena_alloc(p->a, sizeof *s->kids);
        s->kids[0] = x;
        s->nkids = 1;
      }
      if (!expect(p, PTK_RBRACKET)) return NULL;
      if (!steps.n) nl_push(p, &steps, term);
      nl_push(p, &steps, s);
    } else {
      break;
    }
  }
  if (!steps.n) return term;
  struct pql_node *path = node(p, PQL_N_PATH, &(struct pql_token){.pos = term->pos, .len = term->len});
  set_kids(path, &steps);
  return path;
}

/* A table name in INSERT INTO / UPDATE / DELETE FROM: an identifier and
** optional steps. */
static struct pql_node *parse_simple_path(struct parser *p) {
  const struct pql_token *t = cur(p);
  if (t->type != PTK_IDENT && t->type != PTK_QIDENT)
    return syntax_fail(p, "Expected identifier for simple path");
  struct pql_node *id = node(p, PQL_N_ID, t);
  if (t->type == PTK_QIDENT) {
    unquote(p, t, id);
    id->flags |= PQL_F_QUOTED;
  } else {
    raw_text(p, t, id);
  }
  advance(p);
  return parse_steps(p, id);
}

/* name(args) with the name token at t; p is after the '('. */
static struct pql_node *parse_call(struct parser *p, const struct pql_token *t) {
  struct pql_node *call = node(p, PQL_N_CALL, t);
  raw_text(p, t, call);
  struct nlist args = {0};
  if (cur(p)->type == PTK_STAR && peek(p, 1)->type == PTK_RPAREN && t->len == 5 &&
      strncasecmp(p->text + t->pos, "count", 5) == 0) { /* COUNT(*) */
    nl_push(p, &args, node(p, PQL_N_STAR, cur(p)));
    advance(p);
  } else if (cur(p)->type != PTK_RPAREN && !parse_list(p, &args)) {
    return NULL;
  }
  if (!expect(p, PTK_RPAREN)) return NULL;
  set_kids(call, &args);
  return call;
}

/* Optional aliases after a source: AS x, x, AT x, BY x. Records the first. */
static bool parse_aliases(struct parser *p, struct pql_stmt *s, bool bare) {
  for (;;) {
    const struct pql_token *t = cur(p);
    bool kw = is_kw(t, PKW_AS) || is_kw(t, PKW_AT) || is_kw(t, PKW_BY);
    if (kw) {
      advance(p);
      const struct pql_token *u = cur(p);
      if (u->type != PTK_IDENT && u->type != PTK_QIDENT) {
        syntax_fail(p, "Expected identifier for alias");
        return false;
      }
      if (!s->alias) s->alias = node(p, PQL_N_ID, u);
      advance(p);
    } else if (bare && (t->type == PTK_IDENT || t->type == PTK_QIDENT)) {
      if (!s->alias) s->alias = node(p, PQL_N_ID, t);
      advance(p);
    } else {
      return true;
    }
    bare = false;
  }
}

static bool is_join_word(struct parser *p, const struct pql_token *t) {
  if (t->type != PTK_KEYWORD || t->kw != PKW_OTHER) return false;
  static const char *const words[] = {"join", "cross", "inner", "left", "right", "full", "outer"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i]) == t->len && strncasecmp(words[i], p->text + t->pos, t->len) == 0)
      return true;
  return false;
}

/* FROM sources of SELECT and FROM-first statements: one or more, separated by
** commas or joins. */
static bool parse_sources(struct parser *p, struct pql_stmt *s) {
  for (;;) {
    struct pql_node *src = parse_expression(p, PREC_SELECT);
    if (!src) return false;
    if (!s->source) s->source = src;
    s->nsources++;
    if (!parse_aliases(p, s, true)) return false;
    const struct pql_token *t = cur(p);
    if (t->type == PTK_COMMA) {
      advance(p);
      continue;
    }
    if (is_join_word(p, t)) {
      while (is_join_word(p, cur(p))) advance(p);
      struct pql_node *j = parse_expression(p, PREC_SELECT);
      if (!j) return false;
      s->nsources++;
      if (!parse_aliases(p, s, true)) return false;
      if (cur(p)->type == PTK_KEYWORD && cur(p)->len == 2 &&
          strncasecmp(p->text + cur(p)->pos, "on", 2) == 0) {
        advance(p);
        if (!parse_expression(p, PREC_SELECT)) return false;
      }
      continue;
    }
    return true;
  }
}

static bool parse_where(struct parser *p, struct pql_stmt *s) {
  if (!is_kw(cur(p), PKW_WHERE)) return true;
  advance(p);
  s->where = parse_expression(p, PREC_SELECT);
  return s->where != NULL;
}

/* RETURNING ( ALL | MODIFIED ) ( OLD | NEW ) * */
static bool parse_returning(struct parser *p, struct pql_stmt *s) {
  if (!is_kw(cur(p), PKW_RETURNING)) return true;
  advance(p);
  bool all = is_kw(cur(p), PKW_ALL), modified = is_kw(cur(p), PKW_MODIFIED);
  if (!all && !modified) {
    syntax_fail(p, "Unexpected term");
    return false;
  }
  advance(p);
  bool old = is_kw(cur(p), PKW_OLD), new = is_kw(cur(p), PKW_NEW);
  if (!old && !new) {
    syntax_fail(p, "Unexpected term");
    return false;
  }
  advance(p);
  if (cur(p)->type != PTK_STAR) {
    syntax_fail(p, "Unexpected term");
    return false;
  }
  advance(p);
  s->returning = all ? (old ? PQL_RET_ALL_OLD : PQL_RET_ALL_NEW)
                     : (old ? PQL_RET_MODIFIED_OLD : PQL_RET_MODIFIED_NEW);
  return true;
}

/* A growable action list. */
static void push_action(struct parser *p, struct pql_stmt *s, struct pql_action a, uint32_t *cap) {
  if (s->nactions == *cap) {
    uint32_t c = *cap ? *cap * 2 : 4;
    struct pql_action *bigger = arena_alloc(p->a, c * sizeof *bigger);
    if (s->nactions) memcpy(bigger, s->actions, s->nactions * sizeof *bigger);
    s->actions = bigger;
    *cap = c;
  }
  s->actions[s->nactions++] = a;
}

/* SET a = 1, b = 2 / REMOVE a / INSERT INTO ...: one or more. Returns false on
** an error; *none when not one was there. */
static bool parse_dml_ops(struct parser *p, struct pql_stmt *s, bool *none) {
  uint32_t cap = 0;
  *none = true;
  for (;;) {
    const struct pql_token *t = cur(p);
    if (is_kw(t, PKW_SET)) {
      advance(p);
      bool any = false;
      for (;;) {
        const struct pql_token *u = cur(p);
        if (u->type != PTK_IDENT && u->type != PTK_QIDENT && u->type != PTK_KEYWORD) {
          if (!any) {
            syntax_fail(p, "Expected assignment for SET");
            return false;
          }
          break;
        }
        if (u->type == PTK_KEYWORD) {
          if (!any) {
            syntax_fail(p, "Expected assignment for SET");
            return false;
          }
          break;
        }
        struct pql_node *target = parse_term(p);
        if (!target || !(target = parse_steps(p, target))) return false;
        if (cur(p)->type != PTK_OP || cur(p)->op != POP_EQ) {
          syntax_fail(p, "Expected assignment for SET");
          return false;
        }
        advance(p);
        struct pql_node *value = parse_expression(p, -1);
        if (!value) return false;
        push_action(p, s, (struct pql_action){.target = target, .value = value}, &cap);
        any = true;
        if (cur(p)->type != PTK_COMMA) break;
        advance(p);
      }
    } else if (is_kw(t, PKW_REMOVE)) {
      advance(p);
      struct pql_node *target = parse_simple_path(p);
      if (!target) return false;
      push_action(p, s, (struct pql_action){.remove = true, .target = target}, &cap);
    } else if (is_kw(t, PKW_INSERT) && is_kw(peek(p, 1), PKW_INTO)) {
      advance(p);
      advance(p);
      if (!parse_simple_path(p)) return false;
      if (is_kw(cur(p), PKW_VALUE)) advance(p);
      if (!parse_expression(p, -1)) return false;
      s->nested_insert = true;
    } else {
      return true;
    }
    *none = false;
  }
}

static struct pql_stmt *new_stmt(struct parser *p, enum pql_verb verb, const struct pql_token *start) {
  struct pql_stmt *s = arena_alloc(p->a, sizeof *s);
  s->verb = (uint8_t)verb;
  s->pos = start->pos;
  return s;
}

static struct pql_node *stmt_node(struct parser *p, struct pql_stmt *s, const struct pql_token *start) {
  struct pql_node *x = node(p, PQL_N_STMT, start);
  x->stmt = s;
  return x;
}

/* INSERT INTO t VALUE v [AT x] | INSERT INTO t <expr>; p after INTO. */
static struct pql_node *parse_insert(struct parser *p, const struct pql_token *start) {
  struct pql_stmt *s = new_stmt(p, PQL_INSERT, start);
  s->insert_pos = node(p, PQL_N_ID, start);
  s->source = parse_simple_path(p);
  if (!s->source) return NULL;
  s->nsources = 1;
  if (is_kw(cur(p), PKW_VALUE)) {
    advance(p);
    s->value = parse_expression(p, -1);
    if (!s->value) return NULL;
    if (is_kw(cur(p), PKW_AT)) {
      advance(p);
      s->at = parse_expression(p, -1);
      if (!s->at) return NULL;
    }
  } else {
    s->insert_op = true;
    s->value = parse_expression(p, -1);
    if (!s->value) return NULL;
  }
  if (!parse_returning(p, s)) return NULL;
  return stmt_node(p, s, start);
}

/* UPDATE t [alias] SET ... [WHERE ...] [RETURNING ...]; p after UPDATE. */
static struct pql_node *parse_update(struct parser *p, const struct pql_token *start) {
  struct pql_stmt *s = new_stmt(p, PQL_UPDATE, start);
  s->source = parse_simple_path(p);
  if (!s->source) return NULL;
  s->nsources = 1;
  if (!parse_aliases(p, s, true)) return NULL;
  bool none;
  if (!parse_dml_ops(p, s, &none)) return NULL;
  if (none) return syntax_fail(p, "Expected data manipulation");
  if (!parse_where(p, s) || !parse_returning(p, s)) return NULL;
  return stmt_node(p, s, start);
}

/* DELETE FROM t [alias] [WHERE ...] [RETURNING ...]; p after DELETE. */
static struct pql_node *parse_delete(struct parser *p, const struct pql_token *start) {
  if (!is_kw(cur(p), PKW_FROM)) return syntax_fail(p, "Expected FROM after DELETE");
  advance(p);
  struct pql_stmt *s = new_stmt(p, PQL_DELETE, start);
  s->source = parse_simple_path(p);
  if (!s->source) return NULL;
  s->nsources = 1;
  if (!parse_aliases(p, s, true)) return NULL;
  if (!parse_where(p, s) || !parse_returning(p, s)) return NULL;
  return stmt_node(p, s, start);
}

/* FROM t [WHERE ...] SET ... | REMOVE ...: an UPDATE; p after FROM. */
static struct pql_node *parse_from_first(struct parser *p, const struct pql_token *start) {
  struct pql_stmt *s = new_stmt(p, PQL_UPDATE, start);
  s->from_first = true;
  if (!parse_sources(p, s) || !parse_where(p, s)) return NULL;
  bool none;
  if (!parse_dml_ops(p, s, &none)) return NULL;
  if (none) return syntax_fail(p, "Expected data manipulation");
  if (!parse_returning(p, s)) return NULL;
  return stmt_node(p, s, start);
}

/* SELECT [DISTINCT] (* | list | VALUE x) FROM ... [WHERE] [GROUP BY] [HAVING]
** [ORDER BY] [LIMIT]; p after SELECT. */
static struct pql_node *parse_select(struct parser *p, const struct pql_token *start) {
  struct pql_stmt *s = new_stmt(p, PQL_SELECT, start);
  if (is_kw(cur(p), PKW_DISTINCT)) {
    s->distinct = true;
    advance(p);
  } else if (is_kw(cur(p), PKW_ALL)) {
    advance(p);
  }
  struct nlist proj = {0};
  if (is_kw(cur(p), PKW_VALUE)) {
    advance(p);
    s->select_value = true;
    struct pql_node *x = parse_expression(p, -1);
    if (!x) return NULL;
    nl_push(p, &proj, x);
  } else {
    struct pql_node *star = NULL;
    for (;;) {
      struct pql_node *x;
      if (cur(p)->type == PTK_STAR) {
        x = node(p, PQL_N_STAR, cur(p));
        if (!star) star = x;
        advance(p);
      } else {
        x = parse_expression(p, -1);
        if (!x) return NULL;
        const struct pql_token *t = cur(p);
        if (is_kw(t, PKW_AS)) {
          advance(p);
          if (cur(p)->type != PTK_IDENT && cur(p)->type != PTK_QIDENT)
            return syntax_fail(p, "Expected identifier for alias");
          if (!s->proj_alias) s->proj_alias = node(p, PQL_N_ID, cur(p));
          advance(p);
        } else if (t->type == PTK_IDENT || t->type == PTK_QIDENT) {
          if (!s->proj_alias) s->proj_alias = node(p, PQL_N_ID, t);
          advance(p);
        }
      }
      nl_push(p, &proj, x);
      if (cur(p)->type != PTK_COMMA) break;
      advance(p);
    }
    if (star && proj.n > 1)
      return syntax_fail(p, "Other expressions may not be present in the select list when '*' is used "
                     "without dot notation.");
  }
  s->proj = proj.v;
  s->nproj = proj.n;
  if (!is_kw(cur(p), PKW_FROM)) return syntax_fail(p, "Expected FROM after SELECT list");
  advance(p);
  if (!parse_sources(p, s)) return NULL;
  if (is_kw(cur(p), PKW_LET)) {
    do {
      advance(p);
      if (!parse_expression(p, PREC_SELECT)) return NULL;
      if (!is_kw(cur(p), PKW_AS)) return syntax_fail(p, "Expected AS following LET expr");
      advance(p);
      if (cur(p)->type != PTK_IDENT && cur(p)->type != PTK_QIDENT)
        return syntax_fail(p, "Expected identifier for AS-alias");
      advance(p);
    } while (cur(p)->type == PTK_COMMA);
  }
  if (!parse_where(p, s)) return NULL;
  if (is_kw(cur(p), PKW_GROUP)) {
    advance(p);
    if (cur(p)->type == PTK_IDENT && cur(p)->len == 7 &&
        strncasecmp(p->text + cur(p)->pos, "partial", 7) == 0)
      advance(p);
    if (!is_kw(cur(p), PKW_BY)) return syntax_fail(p, "Expected KEYWORD BY");
    advance(p);
    struct nlist keys = {0};
    if (!parse_list(p, &keys)) return NULL;
    s->group_by = true;
  }
  if (is_kw(cur(p), PKW_HAVING)) {
    advance(p);
    s->having = parse_expression(p, PREC_SELECT);
    if (!s->having) return NULL;
  }
  if (is_kw(cur(p), PKW_ORDER)) {
    advance(p);
    if (!is_kw(cur(p), PKW_BY)) return syntax_fail(p, "Expected KEYWORD BY");
    advance(p);
    uint32_t cap = 0;
    for (;;) {
      struct pql_node *x = parse_expression(p, PREC_SELECT);
      if (!x) return NULL;
      bool desc = false;
      if (is_kw(cur(p), PKW_ASC) || is_kw(cur(p), PKW_DESC)) {
        desc = is_kw(cur(p), PKW_DESC);
        advance(p);
      }
      if (s->norder == cap) {
        cap = cap ? cap * 2 : 2;
        struct pql_order *bigger = arena_alloc(p->a, cap * sizeof *bigger);
        if (s->norder) memcpy(bigger, s->order, s->norder * sizeof *bigger);
        s->order = bigger;
      }
      s->order[s->norder++] = (struct pql_order){x, desc};
      if (cur(p)->type != PTK_COMMA) break;
      advance(p);
    }
  }
  if (is_kw(cur(p), PKW_LIMIT)) {
    advance(p);
    s->limit = parse_expression(p, PREC_SELECT);
    if (!s->limit) return NULL;
  }
  return stmt_node(p, s, start);
}

/* Function names that are keywords: a call when followed by '('. */
static bool kw_is_function(struct parser *p, const struct pql_token *t) {
  static const char *const names[] = {
      "exists", "size", "count", "sum", "avg", "min", "max", "upper", "lower", "coalesce",
      "nullif", "char_length", "character_length", "octet_length", "bit_length", "cast",
      "substring", "trim", "extract", "date_add", "date_diff", "position", "list", "sexp", "bag",
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == t->len && strncasecmp(names[i], p->text + t->pos, t->len) == 0)
      return true;
  return false;
}

static struct pql_node *literal(struct parser *p, enum pql_kind kind, const struct pql_token *t) {
  struct pql_node *x = node(p, kind, t);
  advance(p);
  return x;
}

static struct pql_node *parse_term(struct parser *p) {
  const struct pql_token *t = cur(p);
  struct pql_node *x;
  switch (t->type) {
  case PTK_OP:
    if (t->op == POP_AT) {
      const struct pql_token *u = peek(p, 1);
      if (u->type != PTK_IDENT && u->type != PTK_QIDENT)
        return syntax_fail(p, "Identifier must follow @-operator");
      advance(p);
      return parse_term(p); /* @x is x: DynamoDB has no other scope */
    }
    return syntax_fail(p, "Unexpected operator");
  case PTK_KEYWORD:
    if (kw_is_operator(t)) return syntax_fail(p, "Unexpected operator");
    switch (t->kw) {
    case PKW_SELECT: advance(p); return parse_select(p, t);
    case PKW_UPDATE: advance(p); return parse_update(p, t);
    case PKW_DELETE: advance(p); return parse_delete(p, t);
    case PKW_FROM: advance(p); return parse_from_first(p, t);
    case PKW_INSERT:
      if (!is_kw(peek(p, 1), PKW_INTO)) return syntax_fail(p, "Unexpected keyword");
      advance(p);
      advance(p);
      return parse_insert(p, t);
    case PKW_TRUE:
    case PKW_FALSE:
      x = literal(p, PQL_N_BOOL, t);
      if (t->kw == PKW_TRUE) x->flags |= PQL_F_TRUE;
      return x;
    case PKW_VALUES: { /* VALUES (a, b), (c, d): a bag of lists */
      advance(p);
      x = node(p, PQL_N_BAG, t);
      struct nlist rows = {0};
      for (;;) {
        const struct pql_token *lp = cur(p);
        if (lp->type != PTK_LPAREN) return syntax_fail(p, "Expected LEFT_PAREN for row value constructor");
        advance(p);
        struct nlist items = {0};
        if (cur(p)->type != PTK_RPAREN && !parse_list(p, &items)) return NULL;
        if (!expect(p, PTK_RPAREN)) return NULL;
        struct pql_node *row = node(p, PQL_N_LIST, lp);
        set_kids(row, &items);
        nl_push(p, &rows, row);
        if (cur(p)->type != PTK_COMMA) break;
        advance(p);
      }
      set_kids(x, &rows);
      return x;
    }
    case PKW_NULL: return literal(p, PQL_N_NULL, t);
    case PKW_MISSING: return literal(p, PQL_N_MISSING, t);
    default:
      if (kw_is_function(p, t) && peek(p, 1)->type == PTK_LPAREN) {
        advance(p);
        advance(p);
        return parse_call(p, t);
      }
      return syntax_fail(p, "Unexpected keyword");
    }
  case PTK_LPAREN: {
    advance(p);
    struct nlist items = {0};
    if (cur(p)->type == PTK_RPAREN) return syntax_fail(p, "Expression group cannot be empty");
    if (!parse_list(p, &items) || !expect(p, PTK_RPAREN)) return NULL;
    if (items.n == 1) return items.v[0];
    x = node(p, PQL_N_LIST, t);
    set_kids(x, &items);
    return x;
  }
  case PTK_LBRACKET:
  case PTK_LBAG: {
    bool bag = t->type == PTK_LBAG;
    advance(p);
    x = node(p, bag ? PQL_N_BAG : PQL_N_LIST, t);
    struct nlist items = {0};
    enum pql_tk close = bag ? PTK_RBAG : PTK_RBRACKET;
    if (cur(p)->type != close && !parse_list(p, &items)) return NULL;
    if (!expect(p, close)) return NULL;
    set_kids(x, &items);
    return x;
  }
  case PTK_LCURLY: {
    advance(p);
    x = node(p, PQL_N_STRUCT, t);
    struct nlist items = {0};
    if (cur(p)->type != PTK_RCURLY) {
      for (;;) {
        struct pql_node *k = parse_expression(p, -1);
        if (!k || !expect(p, PTK_COLON)) return NULL;
        struct pql_node *v = parse_expression(p, -1);
        if (!v) return NULL;
        nl_push(p, &items, k);
        nl_push(p, &items, v);
        if (cur(p)->type != PTK_COMMA) break;
        advance(p);
      }
    }
    if (!expect(p, PTK_RCURLY)) return NULL;
    set_kids(x, &items);
    return x;
  }
  case PTK_IDENT:
  case PTK_QIDENT:
    if (peek(p, 1)->type == PTK_LPAREN) {
      advance(p);
      advance(p);
      return parse_call(p, t);
    }
    x = node(p, PQL_N_ID, t);
    if (t->type == PTK_QIDENT) {
      unquote(p, t, x);
      x->flags |= PQL_F_QUOTED;
    } else {
      raw_text(p, t, x);
    }
    advance(p);
    return x;
  case PTK_QMARK:
    x = literal(p, PQL_N_PARAM, t);
    x->param = p->nparams++;
    return x;
  case PTK_STRING:
    x = node(p, PQL_N_STRING, t);
    unquote(p, t, x);
    p->literals = true;
    advance(p);
    return x;
  case PTK_NUMBER:
    x = node(p, PQL_N_NUMBER, t);
    raw_text(p, t, x);
    p->literals = true;
    advance(p);
    return x;
  case PTK_ION:
    x = node(p, PQL_N_ION, t);
    unquote(p, t, x);
    p->literals = true;
    advance(p);
    return x;
  default:
    return syntax_fail(p, "Unexpected term");
  }
}

/* Unary operators, then a term with its path steps. */
static struct pql_node *parse_unary(struct parser *p) {
  const struct pql_token *t = cur(p);
  if (is_kw(t, PKW_NOT)) {
    advance(p);
    struct pql_node *x = node(p, PQL_N_UNARY, t);
    x->op = POP_NOT;
    struct pql_node *arg = parse_expression(p, PREC_NOT);
    if (!arg) return NULL;
    x->kids = arena_alloc(p->a, sizeof *x->kids);
    x->kids[0] = arg;
    x->nkids = 1;
    return x;
  }
  if (t->type == PTK_OP && (t->op == POP_MINUS || t->op == POP_PLUS)) {
    advance(p);
    if (++p->depth > MAX_DEPTH) return syntax_fail(p, "Expression is nested too deeply");
    struct pql_node *arg = parse_unary(p);
    p->depth--;
    if (!arg) return NULL;
    if (arg->kind == PQL_N_NUMBER) { /* fold the sign into the literal */
      if (t->op == POP_MINUS) {
        char *s = arena_alloc(p->a, arg->tlen + 2);
        if (arg->text[0] == '-') {
          memcpy(s, arg->text + 1, arg->tlen - 1);
          s[arg->tlen - 1] = 0;
          arg->tlen--;
        } else {
          s[0] = '-';
          memcpy(s + 1, arg->text, arg->tlen + 1);
          arg->tlen++;
        }
        arg->text = s;
      }
      return arg;
    }
    struct pql_node *x = node(p, PQL_N_UNARY, t);
    x->op = t->op;
    x->kids = arena_alloc(p->a, sizeof *x->kids);
    x->kids[0] = arg;
    x->nkids = 1;
    return x;
  }
  struct pql_node *term = parse_term(p);
  return term ? parse_steps(p, term) : NULL;
}

static struct pql_node *binary(struct parser *p, const struct pql_token *t, uint8_t op, int n,
                               struct pql_node *a, struct pql_node *b, struct pql_node *c) {
  struct pql_node *x = node(p, op ? PQL_N_BINARY : PQL_N_BETWEEN, t);
  x->op = op;
  x->kids = arena_alloc(p->a, 3 * sizeof *x->kids);
  x->kids[0] = a;
  x->kids[1] = b;
  x->kids[2] = c;
  x->nkids = (uint32_t)n;
  return x;
}

static struct pql_node *parse_expression(struct parser *p, int prec) {
  if (++p->depth > MAX_DEPTH) {
    p->depth--;
    return syntax_fail(p, "Expression is nested too deeply");
  }
  struct pql_node *left = parse_unary(p);
  while (left) {
    uint8_t op;
    bool negated;
    int width;
    int ip = infix(p, &op, &negated, &width);
    if (ip == 0 || prec >= ip) break;
    const struct pql_token *t = cur(p);
    for (int k = 0; k < width; k++) advance(p);
    const struct pql_token *opt = width == 2 ? &p->t[p->i - 1] : t;
    if (is_kw(opt, PKW_IS)) {
      struct pql_node *x = node(p, PQL_N_IS, t);
      x->kids = arena_alloc(p->a, sizeof *x->kids);
      x->kids[0] = left;
      x->nkids = 1;
      if (is_kw(cur(p), PKW_NOT)) {
        x->flags |= PQL_F_NEGATED;
        advance(p);
      }
      const char *type = parse_type(p);
      if (!type) {
        left = NULL;
        break;
      }
      x->text = type;
      x->tlen = strlen(type);
      left = x;
      continue;
    }
    if (op == POP_IN && cur(p)->type == PTK_LPAREN && !is_kw(peek(p, 1), PKW_SELECT)) {
      /* IN (a, b): a list, even with one member. */
      const struct pql_token *lp = cur(p);
      advance(p);
      struct nlist items = {0};
      if (cur(p)->type != PTK_RPAREN && !parse_list(p, &items)) {
        left = NULL;
        break;
      }
      if (!expect(p, PTK_RPAREN)) {
        left = NULL;
        break;
      }
      struct pql_node *list = node(p, PQL_N_LIST, lp);
      set_kids(list, &items);
      left = binary(p, t, op, 2, left, list, NULL);
      if (negated) left->flags |= PQL_F_NEGATED;
      continue;
    }
    if (cur(p)->type == PTK_EOF) {
      left = syntax_fail(p, "Missing right-hand side expression of infix operator");
      break;
    }
    struct pql_node *right = parse_expression(p, ip);
    if (!right) {
      left = NULL;
      break;
    }
    if (is_kw(opt, PKW_BETWEEN)) {
      if (!is_kw(cur(p), PKW_AND)) {
        left = syntax_fail(p, "Expected KEYWORD AND");
        break;
      }
      advance(p);
      if (cur(p)->type == PTK_EOF) {
        left = syntax_fail(p, "Expected expression after AND");
        break;
      }
      struct pql_node *third = parse_expression(p, ip);
      if (!third) {
        left = NULL;
        break;
      }
      left = binary(p, t, POP_NONE, 3, left, right, third);
    } else {
      if (op == POP_LIKE && is_kw(cur(p), PKW_ESCAPE)) {
        advance(p);
        if (!parse_expression(p, ip)) {
          left = NULL;
          break;
        }
      }
      left = binary(p, t, op, 2, left, right, NULL);
    }
    if (negated) left->flags |= PQL_F_NEGATED;
  }
  p->depth--;
  return left;
}

/*------------------------------ Public API ----------------------------------*/

int pql_parse(struct arena *a, const char *text, size_t len, struct pql_parsed *out,
              struct ddb_err *e) {
  memset(out, 0, sizeof *out);
  out->text = text;
  out->len = len;
  struct parser p = {.a = a, .text = text, .len = len, .e = e};
  if (pql_lex(a, text, len, &p.t, &p.n, e)) return -1;
  struct pql_node *root = parse_expression(&p, -1);
  if (!root) return -1;
  if (cur(&p)->type == PTK_SEMI) advance(&p);
  if (cur(&p)->type != PTK_EOF) {
    syntax_fail(&p, "Unexpected token after expression");
    return -1;
  }
  out->root = root;
  out->nparams = p.nparams;
  out->literals = p.literals;
  if (root->kind == PQL_N_STMT) {
    out->stmt = root->stmt;
  } else if (root->kind == PQL_N_CALL && root->tlen == 6 && strncasecmp(root->text, "exists", 6) == 0) {
    out->exists = true;
    if (root->nkids == 1 && root->kids[0]->kind == PQL_N_STMT &&
        root->kids[0]->stmt->verb == PQL_SELECT)
      out->stmt = root->kids[0]->stmt;
  }
  return 0;
}

const char *pql_verb_name(const struct pql_parsed *p) {
  if (p->exists) return "EXISTS";
  if (!p->stmt) return NULL;
  switch (p->stmt->verb) {
  case PQL_SELECT: return "SELECT";
  case PQL_INSERT: return "INSERT";
  case PQL_UPDATE: return "UPDATE";
  case PQL_DELETE: return "DELETE";
  }
  return NULL;
}

char *pql_position(struct arena *a, const char *text, size_t text_len, uint32_t pos, uint32_t len) {
  unsigned line = 1, col = 1;
  for (size_t i = 0; i < pos && i < text_len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == '\n') {
      line++;
      col = 1;
    } else if ((c & 0xC0) != 0x80) {
      col++;
    }
  }
  unsigned chars = 0;
  for (size_t i = pos; i < (size_t)pos + len && i < text_len; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80) chars++;
  return arena_printf(a, "%u:%u:%u", line, col, chars);
}
