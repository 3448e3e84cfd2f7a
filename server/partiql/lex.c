/*
** server/partiql/lex.c: splits a PartiQL statement into tokens.
**
** The keyword set is the one DynamoDB's parser uses: SQL-92's reserved words
** (without the date parts YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, the TIMEZONE_*
** parts and the TRIM specifications BOTH, LEADING, TRAILING, which it reads as
** identifiers) plus PartiQL's own (MISSING, PIVOT, LIMIT, REMOVE, RETURNING, the
** Ion type names, ...). Every one of them was checked against DynamoDB Local
** 1.25 as an attribute name in a WHERE clause ("size = 1" is refused, "name =
** 1" is not). A keyword is never an identifier: a path step or an attribute
** named like one must be double-quoted.
**
** Lexical errors (an unknown character such as '#', an unterminated string or
** block comment, an exponent or scale that does not fit a 32-bit integer) are
** reported, as DynamoDB reports them, with nothing after the envelope's colon.
*/
#include <stdlib.h>
#include <string.h>

#include "partiql.h"

struct kw_entry {
  const char *word;
  uint8_t kw;
};

/* Sorted for bsearch. */
static const struct kw_entry keywords[] = {
    {"absolute", PKW_OTHER}, {"action", PKW_OTHER}, {"add", PKW_OTHER},
    {"all", PKW_ALL}, {"allocate", PKW_OTHER}, {"alter", PKW_OTHER},
    {"and", PKW_AND}, {"any", PKW_OTHER}, {"are", PKW_OTHER},
    {"as", PKW_AS}, {"asc", PKW_ASC}, {"assertion", PKW_OTHER},
    {"at", PKW_AT}, {"authorization", PKW_OTHER}, {"avg", PKW_OTHER},
    {"bag", PKW_OTHER}, {"begin", PKW_OTHER}, {"between", PKW_BETWEEN},
    {"bit", PKW_OTHER}, {"bit_length", PKW_OTHER}, {"blob", PKW_OTHER},
    {"bool", PKW_OTHER}, {"boolean", PKW_OTHER}, {"by", PKW_BY},
    {"cascade", PKW_OTHER}, {"cascaded", PKW_OTHER}, {"case", PKW_OTHER},
    {"cast", PKW_OTHER}, {"catalog", PKW_OTHER}, {"char", PKW_OTHER},
    {"char_length", PKW_OTHER}, {"character", PKW_OTHER}, {"character_length", PKW_OTHER},
    {"check", PKW_OTHER}, {"clob", PKW_OTHER}, {"close", PKW_OTHER},
    {"coalesce", PKW_OTHER}, {"collate", PKW_OTHER}, {"collation", PKW_OTHER},
    {"column", PKW_OTHER}, {"commit", PKW_OTHER}, {"conflict", PKW_OTHER},
    {"connect", PKW_OTHER}, {"connection", PKW_OTHER}, {"constraint", PKW_OTHER},
    {"constraints", PKW_OTHER}, {"continue", PKW_OTHER}, {"convert", PKW_OTHER},
    {"corresponding", PKW_OTHER}, {"create", PKW_OTHER}, {"cross", PKW_OTHER},
    {"current", PKW_OTHER}, {"current_date", PKW_OTHER}, {"current_time", PKW_OTHER},
    {"current_timestamp", PKW_OTHER}, {"current_user", PKW_OTHER}, {"cursor", PKW_OTHER},
    {"date", PKW_OTHER}, {"date_add", PKW_OTHER}, {"date_diff", PKW_OTHER},
    {"deallocate", PKW_OTHER}, {"dec", PKW_OTHER}, {"decimal", PKW_OTHER},
    {"declare", PKW_OTHER}, {"default", PKW_OTHER}, {"deferrable", PKW_OTHER},
    {"deferred", PKW_OTHER}, {"delete", PKW_DELETE}, {"desc", PKW_DESC},
    {"describe", PKW_OTHER}, {"descriptor", PKW_OTHER}, {"diagnostics", PKW_OTHER},
    {"disconnect", PKW_OTHER}, {"distinct", PKW_DISTINCT}, {"do", PKW_OTHER},
    {"domain", PKW_OTHER}, {"double", PKW_OTHER}, {"drop", PKW_OTHER},
    {"else", PKW_OTHER}, {"end", PKW_OTHER}, {"escape", PKW_ESCAPE},
    {"except", PKW_EXCEPT}, {"exception", PKW_OTHER}, {"exec", PKW_OTHER},
    {"execute", PKW_OTHER}, {"exists", PKW_OTHER}, {"external", PKW_OTHER},
    {"extract", PKW_OTHER}, {"false", PKW_FALSE}, {"fetch", PKW_OTHER},
    {"first", PKW_OTHER}, {"float", PKW_OTHER}, {"for", PKW_OTHER},
    {"foreign", PKW_OTHER}, {"found", PKW_OTHER}, {"from", PKW_FROM},
    {"full", PKW_OTHER}, {"get", PKW_OTHER}, {"global", PKW_OTHER},
    {"go", PKW_OTHER}, {"goto", PKW_OTHER}, {"grant", PKW_OTHER},
    {"group", PKW_GROUP}, {"having", PKW_HAVING}, {"identity", PKW_OTHER},
    {"immediate", PKW_OTHER}, {"in", PKW_IN}, {"index", PKW_OTHER},
    {"indicator", PKW_OTHER}, {"initially", PKW_OTHER}, {"inner", PKW_OTHER},
    {"input", PKW_OTHER}, {"insensitive", PKW_OTHER}, {"insert", PKW_INSERT},
    {"int", PKW_OTHER}, {"integer", PKW_OTHER}, {"intersect", PKW_INTERSECT},
    {"interval", PKW_OTHER}, {"into", PKW_INTO}, {"is", PKW_IS},
    {"isolation", PKW_OTHER}, {"join", PKW_OTHER}, {"key", PKW_OTHER},
    {"language", PKW_OTHER}, {"last", PKW_OTHER}, {"left", PKW_OTHER},
    {"let", PKW_LET}, {"level", PKW_OTHER}, {"like", PKW_LIKE},
    {"limit", PKW_LIMIT}, {"list", PKW_OTHER}, {"local", PKW_OTHER},
    {"lower", PKW_OTHER}, {"match", PKW_OTHER}, {"max", PKW_OTHER},
    {"min", PKW_OTHER}, {"missing", PKW_MISSING}, {"modified", PKW_MODIFIED},
    {"module", PKW_OTHER}, {"names", PKW_OTHER}, {"national", PKW_OTHER},
    {"natural", PKW_OTHER}, {"nchar", PKW_OTHER}, {"new", PKW_NEW},
    {"next", PKW_OTHER}, {"no", PKW_OTHER}, {"not", PKW_NOT},
    {"nothing", PKW_OTHER}, {"null", PKW_NULL}, {"nullif", PKW_OTHER},
    {"numeric", PKW_OTHER}, {"octet_length", PKW_OTHER}, {"of", PKW_OTHER},
    {"old", PKW_OLD}, {"on", PKW_OTHER}, {"only", PKW_OTHER},
    {"open", PKW_OTHER}, {"option", PKW_OTHER}, {"or", PKW_OR},
    {"order", PKW_ORDER}, {"outer", PKW_OTHER}, {"output", PKW_OTHER},
    {"overlaps", PKW_OTHER}, {"pad", PKW_OTHER}, {"partial", PKW_OTHER},
    {"pivot", PKW_OTHER}, {"position", PKW_OTHER}, {"precision", PKW_OTHER},
    {"prepare", PKW_OTHER}, {"preserve", PKW_OTHER}, {"primary", PKW_OTHER},
    {"prior", PKW_OTHER}, {"privileges", PKW_OTHER}, {"procedure", PKW_OTHER},
    {"public", PKW_OTHER}, {"read", PKW_OTHER}, {"real", PKW_OTHER},
    {"references", PKW_OTHER}, {"relative", PKW_OTHER}, {"remove", PKW_REMOVE},
    {"restrict", PKW_OTHER}, {"returning", PKW_RETURNING}, {"revoke", PKW_OTHER},
    {"right", PKW_OTHER}, {"rollback", PKW_OTHER}, {"rows", PKW_OTHER},
    {"schema", PKW_OTHER}, {"scroll", PKW_OTHER}, {"section", PKW_OTHER},
    {"select", PKW_SELECT}, {"session", PKW_OTHER}, {"session_user", PKW_OTHER},
    {"set", PKW_SET}, {"sexp", PKW_OTHER}, {"size", PKW_OTHER},
    {"smallint", PKW_OTHER}, {"some", PKW_OTHER}, {"space", PKW_OTHER},
    {"sql", PKW_OTHER}, {"sqlcode", PKW_OTHER}, {"sqlerror", PKW_OTHER},
    {"sqlstate", PKW_OTHER}, {"string", PKW_OTHER}, {"struct", PKW_OTHER},
    {"substring", PKW_OTHER}, {"sum", PKW_OTHER}, {"symbol", PKW_OTHER},
    {"system_user", PKW_OTHER}, {"table", PKW_OTHER}, {"temporary", PKW_OTHER},
    {"then", PKW_OTHER}, {"time", PKW_OTHER}, {"timestamp", PKW_OTHER},
    {"to", PKW_OTHER}, {"transaction", PKW_OTHER}, {"translate", PKW_OTHER},
    {"translation", PKW_OTHER}, {"trim", PKW_OTHER}, {"true", PKW_TRUE},
    {"tuple", PKW_OTHER}, {"union", PKW_UNION}, {"unique", PKW_OTHER},
    {"unknown", PKW_OTHER}, {"unpivot", PKW_OTHER}, {"update", PKW_UPDATE},
    {"upper", PKW_OTHER}, {"usage", PKW_OTHER}, {"user", PKW_OTHER},
    {"using", PKW_OTHER}, {"value", PKW_VALUE}, {"values", PKW_VALUES},
    {"varchar", PKW_OTHER}, {"varying", PKW_OTHER}, {"view", PKW_OTHER},
    {"when", PKW_OTHER}, {"whenever", PKW_OTHER}, {"where", PKW_WHERE},
    {"with", PKW_OTHER}, {"work", PKW_OTHER}, {"write", PKW_OTHER},
    {"zone", PKW_OTHER},
};

static int kw_cmp(const void *key, const void *elem) {
  return strcmp(key, ((const struct kw_entry *)elem)->word);
}

/* The keyword entry for word, or NULL. */
static const struct kw_entry *kw_find(const char *word, size_t len) {
  char low[24];
  if (len == 0 || len >= sizeof low) return NULL;
  for (size_t i = 0; i < len; i++) {
    char c = word[i];
    low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  low[len] = 0;
  return bsearch(low, keywords, sizeof keywords / sizeof keywords[0], sizeof keywords[0], kw_cmp);
}

bool pql_is_keyword(const char *word, size_t len) { return kw_find(word, len) != NULL; }

static bool ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

static bool digit(unsigned char c) { return c >= '0' && c <= '9'; }

static bool space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A lexical error: the envelope with nothing after the colon. */
static int lex_fail(struct ddb_err *e) { return ddb_fail(e, DDB_VALIDATION, "%s", PQL_NOT_WELL_FORMED); }

/* Length of the number at s[0..n) (which starts with a digit, or '.' and a
** digit), or 0 when its exponent or scale does not fit a 32-bit integer, as
** Java's BigDecimal requires. */
static size_t number_len(const char *s, size_t n) {
  size_t i = 0;
  int64_t frac = 0;
  while (i < n && digit((unsigned char)s[i])) i++;
  if (i < n && s[i] == '.') {
    i++;
    while (i < n && digit((unsigned char)s[i])) {
      i++;
      frac++;
    }
  }
  int64_t exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    bool neg = false;
    if (j < n && (s[j] == '+' || s[j] == '-')) neg = s[j++] == '-';
    if (j < n && digit((unsigned char)s[j])) {
      bool big = false;
      while (j < n && digit((unsigned char)s[j])) {
        if (exp < 10000000000LL) exp = exp * 10 + (s[j] - '0');
        else big = true;
        j++;
      }
      if (neg) exp = -exp;
      if (big || exp > 2147483647LL || exp < -2147483648LL) return 0;
      i = j;
    }
  }
  int64_t scale = frac - exp;
  if (scale > 2147483647LL || scale < -2147483648LL) return 0;
  return i;
}

/* The operator at s (n bytes left): sets *op / *type and returns its length,
** or 0 when the characters are no operator. */
static size_t operator_len(const char *s, size_t n, uint8_t *type, uint8_t *op) {
  char c = s[0], d = n > 1 ? s[1] : 0;
  *type = PTK_OP;
  switch (c) {
  case '<':
    if (d == '=') return *op = POP_LE, 2;
    if (d == '>') return *op = POP_NE, 2;
    if (d == '<') return *type = PTK_LBAG, 2;
    return *op = POP_LT, 1;
  case '>':
    if (d == '=') return *op = POP_GE, 2;
    if (d == '>') return *type = PTK_RBAG, 2;
    return *op = POP_GT, 1;
  case '=': return *op = POP_EQ, 1;
  case '!': return d == '=' ? (*op = POP_NE, 2) : 0;
  case '|': return d == '|' ? (*op = POP_CONCAT, 2) : 0;
  case '+': return *op = POP_PLUS, 1;
  case '-': return *op = POP_MINUS, 1;
  case '/': return *op = POP_DIV, 1;
  case '%': return *op = POP_MOD, 1;
  case '@': return *op = POP_AT, 1;
  case '*': return *type = PTK_STAR, 1;
  default: return 0;
  }
}

int pql_lex(struct arena *a, const char *text, size_t len, struct pql_token **out, size_t *n,
            struct ddb_err *e) {
  size_t cap = 16, count = 0;
  struct pql_token *toks = arena_alloc(a, cap * sizeof *toks);
  size_t i = 0;
  for (;;) {
    /* Whitespace and comments. */
    while (i < len) {
      unsigned char c = (unsigned char)text[i];
      if (space(c)) {
        i++;
      } else if (c == '-' && i + 1 < len && text[i + 1] == '-') {
        while (i < len && text[i] != '\n' && text[i] != '\r') i++;
      } else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
        const char *end = i + 2 < len ? memmem(text + i + 2, len - i - 2, "*/", 2) : NULL;
        if (!end) return lex_fail(e);
        i = (size_t)(end - text) + 2;
      } else {
        break;
      }
    }
    if (count + 1 >= cap) {
      struct pql_token *bigger = arena_alloc(a, cap * 2 * sizeof *toks);
      memcpy(bigger, toks, count * sizeof *toks);
      toks = bigger;
      cap *= 2;
    }
    struct pql_token *t = &toks[count];
    memset(t, 0, sizeof *t);
    t->pos = (uint32_t)i;
    if (i >= len) {
      t->type = PTK_EOF;
      count++;
      break;
    }
    unsigned char c = (unsigned char)text[i];
    size_t l = 0;
    if (ident_start(c)) {
      while (i + l < len && ident_char((unsigned char)text[i + l])) l++;
      const struct kw_entry *k = kw_find(text + i, l);
      if (k) {
        t->type = PTK_KEYWORD;
        t->kw = k->kw;
      } else {
        t->type = PTK_IDENT;
      }
    } else if (digit(c) || (c == '.' && i + 1 < len && digit((unsigned char)text[i + 1]) &&
                            !(count && (toks[count - 1].type == PTK_IDENT ||
                                        toks[count - 1].type == PTK_QIDENT ||
                                        toks[count - 1].type == PTK_RBRACKET ||
                                        toks[count - 1].type == PTK_RPAREN)))) {
      l = number_len(text + i, len - i);
      if (!l) return lex_fail(e);
      t->type = PTK_NUMBER;
    } else if (c == '\'' || c == '"' || c == '`') {
      /* Strings and quoted identifiers double the quote to escape it. */
      size_t j = i + 1;
      for (;;) {
        if (j >= len) return lex_fail(e);
        if ((unsigned char)text[j] == c) {
          if (c != '`' && j + 1 < len && (unsigned char)text[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      l = j + 1 - i;
      t->type = c == '\'' ? PTK_STRING : c == '"' ? PTK_QIDENT : PTK_ION;
    } else {
      switch (c) {
      case '?': t->type = PTK_QMARK, l = 1; break;
      case '.': t->type = PTK_DOT, l = 1; break;
      case ',': t->type = PTK_COMMA, l = 1; break;
      case ':': t->type = PTK_COLON, l = 1; break;
      case ';': t->type = PTK_SEMI, l = 1; break;
      case '(': t->type = PTK_LPAREN, l = 1; break;
      case ')': t->type = PTK_RPAREN, l = 1; break;
      case '[': t->type = PTK_LBRACKET, l = 1; break;
      case ']': t->type = PTK_RBRACKET, l = 1; break;
      case '{': t->type = PTK_LCURLY, l = 1; break;
      case '}': t->type = PTK_RCURLY, l = 1; break;
      default:
        l = operator_len(text + i, len - i, &t->type, &t->op);
        if (!l) return lex_fail(e);
        break;
      }
    }
    t->len = (uint32_t)l;
    i += l;
    count++;
  }
  *out = toks;
  *n = count;
  return 0;
}
