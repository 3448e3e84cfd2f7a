/*
** server/expr/parse.c: the recursive-descent parser for all five expression
** kinds (syntax only; expr__validate in check.c does the rest).
**
** Grammar, lowest precedence first (keywords in any case):
**
**   condition  := or
**   or         := and (OR and)*
**   and        := not (AND not)*
**   not        := NOT not | primary
**   primary    := '(' condition ')' | function
**               | operand comparator operand
**               | operand BETWEEN operand AND operand
**               | operand IN '(' operand (',' operand)* ')'
**   operand    := path | :value | function | '(' operand ')'
**   function   := name '(' operand (',' operand)* ')'
**   path       := (name | #name) ('.' (name | #name) | '[' number ']')*
**
**   update     := clause+             (each verb at most once, checked later)
**   clause     := SET path '=' setvalue (',' path '=' setvalue)*
**               | REMOVE path (',' path)*
**               | ADD path :value (',' path :value)*
**               | DELETE path :value (',' path :value)*
**   setvalue   := uoperand [('+' | '-') uoperand] | '(' setvalue ')'
**   uoperand   := path | :value | function | '(' uoperand ')'
**
**   projection := path (',' path)*
**
** '(' at the start of a primary may open a condition or an operand. Like
** DynamoDB's generated parser we do not decide up front: the contents are
** parsed as a condition that may turn out to be a bare operand, and a bare
** operand becomes an error only where a condition is required, reported at
** the token in hand, which is where DynamoDB reports it too.
**
** Doubled parentheses are rejected when the outer group closes (DynamoDB does
** that while parsing, so it beats a later syntax error).
**
** A syntax error is reported as DynamoDB does: the offending token (<EOF> at
** the end) and "near", the source text from the start of the previous token
** (or of the text) to the end of the next token (or of the text when the next
** one is the end).
*/
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Deeper nesting than this cannot fit in EXPR_MAX_LENGTH; a guard only. */
#define PARSE_MAX_DEPTH 5000

struct parser {
  struct expr_ctx *c;
  struct arena *a;
  enum expr_kind kind;
  const char *text;
  size_t len;
  struct expr_token *t;
  size_t nt, i;
  int depth;
  int undecided;      /* enclosing choices DynamoDB's parser has not made yet */
  bool pending_parens; /* doubled parentheses seen while undecided */
  struct ddb_err *e;
};

static struct expr_token *cur(struct parser *p) { return &p->t[p->i]; }
static int cur_type(struct parser *p) { return p->t[p->i].type; }
static void advance(struct parser *p) {
  if (p->t[p->i].type != TK_EOF) p->i++;
}

/* Fail with DynamoDB's syntax error at the current token. Returns NULL. */
static struct expr *syntax_error(struct parser *p) {
  size_t i = p->i;
  struct expr_token *tk = &p->t[i];
  size_t start = i > 0 ? p->t[i - 1].pos : 0, end;
  if (tk->type == TK_EOF || p->t[i + 1].type == TK_EOF)
    end = p->len;
  else
    end = p->t[i + 1].pos + p->t[i + 1].len;
  const char *token = tk->type == TK_EOF ? "<EOF>" : arena_strndup(p->a, p->text + tk->pos, tk->len);
  char *near = arena_strndup(p->a, p->text + start, end - start);
  expr__fail(p->c, p->e, p->kind, EXPR_DIAG_SYNTAX, p->text, p->len, token, tk->pos,
             "Syntax error; token: \"%s\", near: \"%s\"", token, near);
  return NULL;
}

static struct expr *node(struct parser *p, int op, uint32_t pos) {
  struct expr *n = arena_alloc(p->a, sizeof *n);
  n->op = (uint8_t)op;
  n->pos = pos;
  n->end = pos;
  return n;
}

static void set_args(struct parser *p, struct expr *n, struct expr **args, uint32_t nargs) {
  n->nargs = nargs;
  n->args = arena_memdup(p->a, args, nargs * sizeof *args);
}

static struct expr *binary(struct parser *p, int op, struct expr *l, struct expr *r) {
  struct expr *n = node(p, op, l->pos);
  struct expr *args[2] = {l, r};
  set_args(p, n, args, 2);
  n->end = r->end;
  return n;
}

/* A growable pointer list in the arena. */
struct plist {
  struct expr **v;
  uint32_t n, cap;
};

static void plist_push(struct parser *p, struct plist *l, struct expr *x) {
  if (l->n == l->cap) {
    uint32_t cap = l->cap ? 2 * l->cap : 4;
    struct expr **v = arena_alloc(p->a, cap * sizeof *v);
    if (l->n) memcpy(v, l->v, l->n * sizeof *v);
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = x;
}

/* Consume a token of the given type or fail. */
static int expect(struct parser *p, int type) {
  if (cur_type(p) != type) {
    syntax_error(p);
    return -1;
  }
  advance(p);
  return 0;
}

static int redundant_parens(struct parser *p) {
  expr__fail(p->c, p->e, p->kind, EXPR_DIAG_STRUCTURE, p->text, p->len, NULL, UINT32_MAX,
             "The expression has redundant parentheses;");
  return -1;
}

/* Consume the ')' that closes a group around x. DynamoDB's parser reports a
** group whose contents are already a group when it builds the construct that
** holds it: at once where the grammar leaves no choice (after a comparator,
** in IN lists, in function arguments), but at the start of a condition or of
** a SET value only once it has chosen what it is parsing; if a syntax error
** comes first, that error wins: "a IN (((b)) :w" is redundant parentheses,
** "NOT ((a)) :w" a syntax error at :w. */
static int close_paren(struct parser *p, struct expr *x) {
  if (expect(p, TK_RPAREN)) return -1;
  p->depth--;
  if (x->parens > 0) {
    if (p->undecided == 0) return redundant_parens(p);
    p->pending_parens = true;
  }
  if (x->parens < 255) x->parens++;
  return 0;
}

/* The parser has chosen: report doubled parentheses held back until now. */
static int commit(struct parser *p) {
  p->undecided = 0;
  if (p->pending_parens) return redundant_parens(p);
  return 0;
}

/* ---- Paths, values, functions ------------------------------------------- */

static struct expr *parse_path(struct parser *p) {
  struct expr_token *tk = cur(p);
  if (tk->type != TK_ID && tk->type != TK_NAMEREF) return syntax_error(p);
  struct expr *n = node(p, EXPR_OP_PATH, tk->pos);
  struct expr_elem elems[64], *ev = elems;
  uint32_t ne = 0, cap = 64;
  for (;;) {
    tk = cur(p);
    struct expr_elem el = {0};
    el.pos = tk->pos;
    if (ne == 0 || tk->type == TK_DOT) {
      if (ne > 0) {
        advance(p);
        tk = cur(p);
        /* DynamoDB's grammar takes a :value here too (it fails later). */
        if (tk->type != TK_ID && tk->type != TK_NAMEREF && tk->type != TK_VALREF) return syntax_error(p);
      }
      char *s = arena_strndup(p->a, p->text + tk->pos, tk->len);
      if (tk->type == TK_ID) {
        el.kind = EXPR_ELEM_NAME;
        el.name = s;
        el.len = tk->len;
      } else {
        el.kind = EXPR_ELEM_REF; /* #name, or :name that resolution rejects */
        el.ref = s;
      }
      el.pos = tk->pos;
      n->end = tk->pos + tk->len;
      advance(p);
    } else if (tk->type == TK_LBRACKET) {
      advance(p);
      tk = cur(p);
      if (tk->type != TK_NUMBER) return syntax_error(p);
      el.kind = EXPR_ELEM_INDEX;
      el.name = arena_strndup(p->a, p->text + tk->pos, tk->len);
      el.len = tk->len;
      int64_t v = 0;
      for (uint32_t k = 0; k < tk->len; k++) {
        int d = p->text[tk->pos + k] - '0';
        v = v > (INT64_MAX - d) / 10 ? INT64_MAX : v * 10 + d;
      }
      el.index = v;
      advance(p);
      tk = cur(p);
      if (tk->type != TK_RBRACKET) return syntax_error(p);
      n->end = tk->pos + tk->len;
      advance(p);
    } else {
      break;
    }
    if (ne == cap) {
      struct expr_elem *bigger = arena_alloc(p->a, 2 * cap * sizeof *bigger);
      memcpy(bigger, ev, ne * sizeof *ev);
      ev = bigger;
      cap *= 2;
    }
    ev[ne++] = el;
  }
  n->nelems = ne;
  n->elems = arena_memdup(p->a, ev, ne * sizeof *ev);
  return n;
}

static struct expr *parse_value(struct parser *p) {
  struct expr_token *tk = cur(p);
  if (tk->type != TK_VALREF) return syntax_error(p);
  struct expr *n = node(p, EXPR_OP_VALUE, tk->pos);
  n->ref = arena_strndup(p->a, p->text + tk->pos, tk->len);
  n->end = tk->pos + tk->len;
  advance(p);
  return n;
}

static struct expr *parse_operand(struct parser *p);

/* name '(' operand (',' operand)* ')'; the current token is the name. */
static struct expr *parse_function(struct parser *p) {
  struct expr_token *tk = cur(p);
  struct expr *n = node(p, EXPR_OP_FUNC, tk->pos);
  n->name = arena_strndup(p->a, p->text + tk->pos, tk->len);
  advance(p);
  if (expect(p, TK_LPAREN)) return NULL;
  struct plist args = {0};
  for (;;) {
    struct expr *arg = parse_operand(p);
    if (!arg) return NULL;
    plist_push(p, &args, arg);
    if (cur_type(p) != TK_COMMA) break;
    advance(p);
  }
  tk = cur(p);
  if (tk->type != TK_RPAREN) return syntax_error(p);
  n->end = tk->pos + 1;
  advance(p);
  set_args(p, n, args.v, args.n);
  return n;
}

/* operand := path | :value | function | '(' operand ')' (shared by the
** condition and update grammars: update operands are the same shape). */
static struct expr *parse_operand(struct parser *p) {
  struct expr_token *tk = cur(p);
  switch (tk->type) {
  case TK_LPAREN: {
    if (++p->depth > PARSE_MAX_DEPTH) return syntax_error(p);
    advance(p);
    struct expr *x = parse_operand(p);
    if (!x) return NULL;
    if (close_paren(p, x)) return NULL;
    return x;
  }
  case TK_VALREF:
    return parse_value(p);
  case TK_ID:
    if (p->t[p->i + 1].type == TK_LPAREN) return parse_function(p);
    return parse_path(p);
  case TK_NAMEREF:
    return parse_path(p);
  default:
    return syntax_error(p);
  }
}

/* ---- Conditions ----------------------------------------------------------- */

static bool is_bare(const struct expr *x) {
  return x->op == EXPR_OP_PATH || x->op == EXPR_OP_VALUE;
}

static bool can_be_operand(const struct expr *x) {
  return is_bare(x) || (x->op == EXPR_OP_FUNC);
}

static int comparator_op(int type) {
  switch (type) {
  case TK_EQ: return EXPR_OP_EQ;
  case TK_NE: return EXPR_OP_NE;
  case TK_LT: return EXPR_OP_LT;
  case TK_LE: return EXPR_OP_LE;
  case TK_GT: return EXPR_OP_GT;
  case TK_GE: return EXPR_OP_GE;
  default: return -1;
  }
}

/* The part of a primary after its first operand: comparator, BETWEEN or IN. */
static struct expr *parse_comparison_tail(struct parser *p, struct expr *left) {
  int type = cur_type(p);
  int op = comparator_op(type);
  if (op >= 0) {
    advance(p);
    struct expr *right = parse_operand(p);
    if (!right) return NULL;
    return binary(p, op, left, right);
  }
  if (type == TK_BETWEEN) {
    advance(p);
    struct expr *lo = parse_operand(p);
    if (!lo) return NULL;
    if (expect(p, TK_AND)) return NULL;
    struct expr *hi = parse_operand(p);
    if (!hi) return NULL;
    struct expr *n = node(p, EXPR_OP_BETWEEN, left->pos);
    struct expr *args[3] = {left, lo, hi};
    set_args(p, n, args, 3);
    n->end = hi->end;
    return n;
  }
  /* TK_IN */
  advance(p);
  if (expect(p, TK_LPAREN)) return NULL;
  struct plist args = {0};
  plist_push(p, &args, left);
  for (;;) {
    struct expr *x = parse_operand(p);
    if (!x) return NULL;
    plist_push(p, &args, x);
    if (cur_type(p) != TK_COMMA) break;
    advance(p);
  }
  struct expr_token *tk = cur(p);
  if (tk->type != TK_RPAREN) return syntax_error(p);
  struct expr *n = node(p, EXPR_OP_IN, left->pos);
  set_args(p, n, args.v, args.n);
  n->end = tk->pos + 1;
  advance(p);
  return n;
}

static bool starts_comparison(int type) {
  return comparator_op(type) >= 0 || type == TK_BETWEEN || type == TK_IN;
}

static struct expr *parse_or(struct parser *p);

/* May return a bare operand (path or value): see the file comment. The choice
** between a group, a comparison and a function is made once the token after
** the first operand is known. */
static struct expr *parse_primary(struct parser *p) {
  struct expr *x;
  int saved = p->undecided++;
  if (cur_type(p) == TK_LPAREN) {
    if (++p->depth > PARSE_MAX_DEPTH) return syntax_error(p);
    advance(p);
    x = parse_or(p);
    if (!x) return NULL;
    if (close_paren(p, x)) return NULL;
  } else {
    int type = cur_type(p);
    if (type != TK_VALREF && type != TK_ID && type != TK_NAMEREF) return syntax_error(p);
    x = parse_operand(p);
    if (!x) return NULL;
  }
  if (can_be_operand(x) && starts_comparison(cur_type(p))) {
    if (commit(p)) return NULL;
    return parse_comparison_tail(p, x);
  }
  /* A function alone settles only this choice: inside an undecided group it
  ** may still turn out to be an operand, "(size(a)) = :v". */
  if (x->op == EXPR_OP_FUNC && saved > 0) {
    p->undecided = saved;
    return x;
  }
  if (!is_bare(x) && commit(p)) return NULL;
  if (p->undecided > 0) p->undecided = saved;
  return x;
}

static struct expr *parse_not(struct parser *p) {
  /* NOT chains are counted, not recursed into: NOTs are consecutive tokens. */
  size_t first = p->i, nots = 0;
  while (cur_type(p) == TK_NOT) {
    nots++;
    advance(p);
  }
  struct expr *x = parse_primary(p);
  if (!x) return NULL;
  if (nots == 0) return x;
  if (is_bare(x)) return syntax_error(p);
  while (nots > 0) {
    struct expr *n = node(p, EXPR_OP_NOT, p->t[first + --nots].pos);
    set_args(p, n, &x, 1);
    n->end = x->end;
    x = n;
  }
  return x;
}

/* One level of a left-associative boolean operator: AND over NOT, OR over AND.
** Neither side may be a bare operand. */
static struct expr *parse_binary(struct parser *p, int tk, int op, struct expr *(*sub)(struct parser *)) {
  struct expr *x = sub(p);
  if (!x) return NULL;
  while (cur_type(p) == tk) {
    if (is_bare(x)) return syntax_error(p);
    advance(p);
    struct expr *y = sub(p);
    if (!y) return NULL;
    if (is_bare(y)) return syntax_error(p);
    x = binary(p, op, x, y);
  }
  return x;
}

static struct expr *parse_and(struct parser *p) { return parse_binary(p, TK_AND, EXPR_OP_AND, parse_not); }

static struct expr *parse_or(struct parser *p) { return parse_binary(p, TK_OR, EXPR_OP_OR, parse_and); }

static struct expr *parse_condition(struct parser *p) {
  struct expr *x = parse_or(p);
  if (!x) return NULL;
  if (is_bare(x) || cur_type(p) != TK_EOF) return syntax_error(p);
  return x;
}

/* ---- Projection ------------------------------------------------------------ */

static struct expr *parse_projection(struct parser *p) {
  struct expr *root = node(p, EXPR_OP_PROJECTION, cur(p)->pos);
  struct plist paths = {0};
  for (;;) {
    struct expr *x = parse_path(p);
    if (!x) return NULL;
    plist_push(p, &paths, x);
    if (cur_type(p) != TK_COMMA) break;
    advance(p);
  }
  if (cur_type(p) != TK_EOF) return syntax_error(p);
  set_args(p, root, paths.v, paths.n);
  root->end = (uint32_t)p->len;
  return root;
}

/* ---- Update ------------------------------------------------------------------ */

static bool is_clause_start(int type) {
  return type == TK_SET || type == TK_REMOVE || type == TK_ADD || type == TK_DELETE;
}

/* setvalue := uoperand [('+' | '-') uoperand] | '(' setvalue ')' */
static struct expr *parse_set_value(struct parser *p) {
  struct expr *left;
  if (cur_type(p) == TK_LPAREN) {
    if (++p->depth > PARSE_MAX_DEPTH) return syntax_error(p);
    advance(p);
    left = parse_set_value(p);
    if (!left) return NULL;
    if (close_paren(p, left)) return NULL;
    if (left->op == EXPR_OP_PLUS || left->op == EXPR_OP_MINUS) return left;
  } else {
    left = parse_operand(p);
    if (!left) return NULL;
  }
  int type = cur_type(p);
  if (type == TK_PLUS || type == TK_MINUS) {
    if (commit(p)) return NULL;
    advance(p);
    struct expr *right = parse_operand(p);
    if (!right) return NULL;
    return binary(p, type == TK_PLUS ? EXPR_OP_PLUS : EXPR_OP_MINUS, left, right);
  }
  return left;
}

static struct expr *parse_action(struct parser *p, int verb) {
  uint32_t pos = cur(p)->pos;
  struct expr *path = parse_path(p);
  if (!path) return NULL;
  struct expr *value = NULL;
  if (verb == EXPR_OP_SET) {
    if (expect(p, TK_EQ)) return NULL;
    p->undecided = 1;
    p->pending_parens = false;
    value = parse_set_value(p);
    if (value && commit(p)) return NULL;
  } else if (verb == EXPR_OP_ADD || verb == EXPR_OP_DELETE) {
    value = parse_value(p);
  }
  struct expr *n = node(p, verb, pos);
  if (verb == EXPR_OP_REMOVE) {
    set_args(p, n, &path, 1);
    n->end = path->end;
    return n;
  }
  if (!value) return NULL;
  struct expr *args[2] = {path, value};
  set_args(p, n, args, 2);
  n->end = value->end;
  return n;
}

static struct expr *parse_update(struct parser *p) {
  struct expr *root = node(p, EXPR_OP_UPDATE, cur(p)->pos);
  struct plist clauses = {0};
  while (is_clause_start(cur_type(p))) {
    int type = cur_type(p);
    int verb = type == TK_SET      ? EXPR_OP_SET
               : type == TK_REMOVE ? EXPR_OP_REMOVE
               : type == TK_ADD    ? EXPR_OP_ADD
                                   : EXPR_OP_DELETE;
    struct expr *clause = node(p, EXPR_OP_CLAUSE, cur(p)->pos);
    clause->clause_op = (uint8_t)verb;
    advance(p);
    struct plist actions = {0};
    for (;;) {
      struct expr *x = parse_action(p, verb);
      if (!x) return NULL;
      plist_push(p, &actions, x);
      if (cur_type(p) != TK_COMMA) break;
      advance(p);
    }
    set_args(p, clause, actions.v, actions.n);
    clause->end = actions.v[actions.n - 1]->end;
    plist_push(p, &clauses, clause);
  }
  if (clauses.n == 0 || cur_type(p) != TK_EOF) return syntax_error(p);
  set_args(p, root, clauses.v, clauses.n);
  root->end = (uint32_t)p->len;
  return root;
}

struct expr *expr__parse_syntax(struct expr_ctx *c, enum expr_kind kind, const char *text,
                                size_t len, struct ddb_err *e) {
  struct parser p = {0};
  p.c = c;
  p.a = c->arena;
  p.kind = kind;
  p.text = text;
  p.len = len;
  p.e = e;
  p.t = expr__tokenize(c->arena, text, len, &p.nt);
  switch (kind) {
  case EXPR_PROJECTION: return parse_projection(&p);
  case EXPR_UPDATE: return parse_update(&p);
  default: return parse_condition(&p);
  }
}
