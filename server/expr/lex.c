/*
** server/expr/lex.c: the tokenizer of DynamoDB's expression language.
**
** DynamoDB's lexer (observed through its "Syntax error; token:" messages):
** names start with a letter and go on with letters, digits and '_'; #name and
** :name take one or more letters, digits or '_'; numbers (only inside [ ]) are
** "0" or a digit string without a leading zero, so "01" is two tokens; the nine
** keywords AND OR NOT BETWEEN IN SET REMOVE ADD DELETE are matched in any case
** and are never names; whitespace is space, tab, CR and LF only; every other
** character is a token of its own (a whole UTF-8 sequence).
*/
#include <string.h>
#include <strings.h>

#include "internal.h"

static int is_alpha(unsigned char ch) { return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'; }
static int is_digit(unsigned char ch) { return ch >= '0' && ch <= '9'; }
static int is_word(unsigned char ch) { return is_alpha(ch) || is_digit(ch) || ch == '_'; }
static int is_space(unsigned char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }

/* Bytes of the UTF-8 sequence starting at z[0] (1 for an invalid byte). */
static size_t utf8_len(const unsigned char *z, size_t avail) {
  size_t n;
  if (z[0] < 0x80) return 1;
  if ((z[0] & 0xE0) == 0xC0 && z[0] >= 0xC2) n = 2;
  else if ((z[0] & 0xF0) == 0xE0) n = 3;
  else if ((z[0] & 0xF8) == 0xF0 && z[0] <= 0xF4) n = 4;
  else return 1;
  if (n > avail) return 1;
  for (size_t i = 1; i < n; i++)
    if ((z[i] & 0xC0) != 0x80) return 1;
  return n;
}

static const struct {
  const char *word;
  uint8_t type;
} keywords[] = {
    {"AND", TK_AND}, {"OR", TK_OR},         {"NOT", TK_NOT}, {"BETWEEN", TK_BETWEEN},
    {"IN", TK_IN},   {"SET", TK_SET},       {"REMOVE", TK_REMOVE}, {"ADD", TK_ADD},
    {"DELETE", TK_DELETE},
};

static uint8_t keyword_type(const char *z, size_t n) {
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
    if (strlen(keywords[i].word) == n && strncasecmp(keywords[i].word, z, n) == 0)
      return keywords[i].type;
  return TK_ID;
}

/* Length of the token at z[0] (avail bytes remain, avail > 0); its type in *type. */
static size_t next_token(const unsigned char *z, size_t avail, uint8_t *type) {
  size_t i;
  switch (z[0]) {
  case '(': *type = TK_LPAREN; return 1;
  case ')': *type = TK_RPAREN; return 1;
  case '[': *type = TK_LBRACKET; return 1;
  case ']': *type = TK_RBRACKET; return 1;
  case ',': *type = TK_COMMA; return 1;
  case '.': *type = TK_DOT; return 1;
  case '=': *type = TK_EQ; return 1;
  case '+': *type = TK_PLUS; return 1;
  case '-': *type = TK_MINUS; return 1;
  case '<':
    if (avail > 1 && z[1] == '=') { *type = TK_LE; return 2; }
    if (avail > 1 && z[1] == '>') { *type = TK_NE; return 2; }
    *type = TK_LT;
    return 1;
  case '>':
    if (avail > 1 && z[1] == '=') { *type = TK_GE; return 2; }
    *type = TK_GT;
    return 1;
  case '#':
  case ':':
    for (i = 1; i < avail && is_word(z[i]); i++) {}
    if (i == 1) { *type = TK_UNKNOWN; return 1; }
    *type = z[0] == '#' ? TK_NAMEREF : TK_VALREF;
    return i;
  default:
    break;
  }
  if (is_digit(z[0])) {
    *type = TK_NUMBER;
    if (z[0] == '0') return 1;
    for (i = 1; i < avail && is_digit(z[i]); i++) {}
    return i;
  }
  if (is_alpha(z[0])) {
    for (i = 1; i < avail && is_word(z[i]); i++) {}
    *type = keyword_type((const char *)z, i);
    return i;
  }
  *type = TK_UNKNOWN;
  return utf8_len(z, avail);
}

struct expr_token *expr__tokenize(struct arena *a, const char *text, size_t len, size_t *n) {
  const unsigned char *z = (const unsigned char *)text;
  size_t cap = 16, count = 0, pos = 0;
  struct expr_token *t = arena_alloc(a, cap * sizeof *t);
  for (;;) {
    while (pos < len && is_space(z[pos])) pos++;
    if (count == cap) {
      struct expr_token *bigger = arena_alloc(a, 2 * cap * sizeof *t);
      memcpy(bigger, t, cap * sizeof *t);
      t = bigger;
      cap *= 2;
    }
    if (pos >= len) {
      t[count].type = TK_EOF;
      t[count].pos = (uint32_t)len;
      t[count].len = 0;
      count++;
      break;
    }
    uint8_t type;
    size_t tl = next_token(z + pos, len - pos, &type);
    t[count].type = type;
    t[count].pos = (uint32_t)pos;
    t[count].len = (uint32_t)tl;
    count++;
    pos += tl;
  }
  *n = count;
  return t;
}

size_t expr__utf16_length(const char *text, size_t len) {
  const unsigned char *z = (const unsigned char *)text;
  size_t units = 0;
  for (size_t i = 0; i < len;) {
    size_t n = utf8_len(z + i, len - i);
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return units;
}
