/*
** server/partiql/template.c: the template of a statement, for the
** instrumentation (INSTRUMENT.md A3, detectors DDB004 and DDB005).
**
** The template is the statement re-rendered from its tokens: keywords in
** upper case, identifiers and table names as written (quoted ones quoted),
** single spaces between tokens (none inside paths, calls and brackets), and
** every string, number, Ion literal, TRUE, FALSE and ? written as '?'. A sign
** in front of a number goes with the number. A list, bag or IN list that holds
** only values collapses to [?], <<?>> or (?), so that a code path that splices
** or binds a varying number of values keeps one template. The keys of a struct
** literal ('pk': in INSERT ... VALUE {'pk': ...}) are attribute names and are
** kept. So
**   SELECT * FROM "Users" WHERE userId = 'x' OR userId <> 'x'
** and the same statement with ? placeholders both give
**   SELECT * FROM "Users" WHERE userId = ? OR userId <> ?
*/
#include <string.h>

#include "partiql.h"

/* The output: never longer than twice the statement (one space per token,
** '?' and [?] no longer than what they replace), so it is allocated once. */
struct out {
  char *s;
  size_t n;
};

static void put(struct out *o, const char *s, size_t n) {
  memcpy(o->s + o->n, s, n);
  o->n += n;
  o->s[o->n] = 0;
}

static bool is_value_token(const struct pql_token *t) {
  return t->type == PTK_STRING || t->type == PTK_NUMBER || t->type == PTK_ION ||
         t->type == PTK_QMARK || (t->type == PTK_KEYWORD && (t->kw == PKW_TRUE || t->kw == PKW_FALSE));
}

/* A sign that belongs to the number after it (not a binary minus). */
static bool sign_of_number(const struct pql_token *t, size_t i) {
  const struct pql_token *x = &t[i];
  if (x->type != PTK_OP || (x->op != POP_MINUS && x->op != POP_PLUS)) return false;
  if (t[i + 1].type != PTK_NUMBER) return false;
  if (i == 0) return true;
  const struct pql_token *prev = &t[i - 1];
  switch (prev->type) {
  case PTK_IDENT: case PTK_QIDENT: case PTK_STRING: case PTK_NUMBER: case PTK_ION:
  case PTK_QMARK: case PTK_RPAREN: case PTK_RBRACKET: case PTK_RCURLY: case PTK_RBAG:
    return false;
  default:
    return true;
  }
}

/* If tokens from i (an opening bracket) up to its match hold only values,
** commas and signs, the index of the match; else 0. */
static size_t value_group(const struct pql_token *t, size_t n, size_t i, enum pql_tk close) {
  size_t j = i + 1;
  bool any = false;
  for (; j < n; j++) {
    if (t[j].type == close) return any ? j : 0;
    if (is_value_token(&t[j])) any = true;
    else if (t[j].type != PTK_COMMA && !sign_of_number(t, j)) return 0;
  }
  return 0;
}

char *pql_template(struct arena *a, const struct pql_parsed *p) {
  struct pql_token *t;
  size_t n;
  struct ddb_err e = {0};
  if (pql_lex(a, p->text, p->len, &t, &n, &e)) {
    ddb_err_clear(&e);
    return NULL;
  }
  struct out o = {.s = arena_alloc(a, 2 * p->len + 8)};
  bool space = false; /* a space is due before the next token */
  for (size_t i = 0; i + 1 < n; i++) {
    const struct pql_token *x = &t[i];
    if (sign_of_number(t, i)) continue; /* the number prints as ? */
    const struct pql_token *prev = i ? &t[i - 1] : NULL;
    const char *text = p->text + x->pos;
    size_t len = x->len;
    bool tight_before = false;
    switch (x->type) {
    case PTK_COMMA: case PTK_RPAREN: case PTK_RBRACKET: case PTK_DOT: case PTK_COLON:
    case PTK_RCURLY: case PTK_RBAG: case PTK_SEMI:
      tight_before = true;
      break;
    case PTK_LPAREN:
      tight_before = prev && (prev->type == PTK_IDENT || prev->type == PTK_QIDENT ||
                              (prev->type == PTK_KEYWORD && prev->kw == PKW_OTHER));
      break;
    case PTK_LBRACKET:
      tight_before = prev && (prev->type == PTK_IDENT || prev->type == PTK_QIDENT ||
                              prev->type == PTK_RBRACKET || prev->type == PTK_RPAREN);
      break;
    default:
      break;
    }
    if (space && !tight_before) put(&o, " ", 1);
    space = !(x->type == PTK_LPAREN || x->type == PTK_LBRACKET || x->type == PTK_DOT ||
              x->type == PTK_LCURLY || x->type == PTK_LBAG);
    /* Value-only groups. */
    if (x->type == PTK_LBRACKET || x->type == PTK_LBAG || x->type == PTK_LPAREN) {
      enum pql_tk close = x->type == PTK_LBRACKET ? PTK_RBRACKET : x->type == PTK_LBAG ? PTK_RBAG : PTK_RPAREN;
      bool in_list = x->type != PTK_LPAREN || (prev && prev->type == PTK_KEYWORD && prev->kw == PKW_IN);
      bool index = x->type == PTK_LBRACKET && tight_before;
      size_t j = in_list && !index ? value_group(t, n, i, close) : 0;
      if (j) {
        put(&o, x->type == PTK_LBRACKET ? "[?]" : x->type == PTK_LBAG ? "<<?>>" : "(?)",
            x->type == PTK_LBAG ? 5 : 3);
        space = true;
        i = j;
        continue;
      }
    }
    if (x->type == PTK_STRING && t[i + 1].type == PTK_COLON) {
      put(&o, text, len); /* a struct key: an attribute name */
    } else if (is_value_token(x)) {
      put(&o, "?", 1);
    } else if (x->type == PTK_KEYWORD) {
      char up[32];
      size_t k = len < sizeof up ? len : sizeof up - 1;
      for (size_t m = 0; m < k; m++) up[m] = (char)(text[m] >= 'a' && text[m] <= 'z' ? text[m] - 32 : text[m]);
      put(&o, up, k);
    } else {
      put(&o, text, len);
    }
  }
  return o.s;
}
