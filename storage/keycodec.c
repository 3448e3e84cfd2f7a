/*
** storage/keycodec.c: order-preserving LMDB keys for items (see keycodec.h).
**
** Layout of an item key:
**     H[4]  pk part  [sk part]
** H is the first 4 bytes of SHA-256 over the partition-key value's bytes (S:
** UTF-8, B: decoded, N: canonical text), big-endian. A part is one of
**
**   S/B kept whole  escaped bytes            00 01
**   S/B cut         escaped kept prefix      00 02  D[16]
**   N               num_key_encode bytes (number.c: 02 for zero; 03 E m.. for
**                   positives; 01 then every byte as 255 - b for negatives)
**
** Escaping writes 0x00 as 00 FF and every other byte as itself, so inside
** the escaped bytes 00 is always followed by FF: 00 01 and 00 02 can only end
** a part, which makes parts self-delimiting and, since 01 < 02 < FF, keeps
** bytewise order (a value sorts before its extensions). A value is kept whole
** when its escaped length is at most budget - 2. Otherwise the kept prefix is
** the longest prefix of the value whose escaped length is at most budget - 18,
** and D is the first 16 bytes of SHA-256 over the whole value. Two values
** that differ inside a kept prefix keep their order; values that share a cut
** value's kept prefix sort together, in an order that is not DynamoDB's.
**
** Budgets (keycodec.h): pk part 128 bytes, sk part 511 - 4 - 128 = 379 bytes,
** so pk values up to 126 escaped bytes and sk values up to 377 are kept whole.
**
** Worked examples (bytes in hex):
**   pk S "a", no sort key (H = SHA-256("a")[0..3]):
**     ca 97 81 12 | 61 00 01
**   pk S "user#1", sk N 12.5:
**     96 c3 3e f4 | 75 73 65 72 23 31 00 01 | 03 83 19 64
**   pk N 1, sk B "AP8=" (bytes 00 ff) (H = SHA-256("1")[0..3]):
**     6b 86 b2 73 | 03 82 14 | 00 ff ff 00 01
**   sk parts S "a" (61 00 01) < S "a\0b" (61 00 ff 62 00 01) < S "ab"
**     (61 62 00 01) < S "a\xff" (61 ff 00 01): the order of the raw bytes
**   sk S of 378 'y' (one byte over): 361 bytes 79, 00 02, then 16 bytes of
**     SHA-256 over the 378 bytes (379 bytes; 377 'y' would be 377 + 00 01)
**   pk S of 2048 'x': 4 hash bytes, then 110 bytes 78, 00 02, and 16 bytes of
**     SHA-256 over the 2048 bytes: a 128-byte pk part
**   sk N -1: 01 7d eb;  sk N 0: 02;  sk N 1e-130: 03 00 14
*/
/* For SHA256_Init/Update/Final (see kc_sha256). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "keycodec.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "server/number.h"

/* SHA-256 of p[0..n). The low-level SHA256_* calls cost about half of EVP's
** (which dispatches through a provider on every call) for the short inputs a
** key hash sees; OpenSSL 3 marks them deprecated but keeps them. */
static void kc_sha256(const void *p, size_t n, uint8_t md[SHA256_DIGEST_LENGTH]) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, p, n);
  SHA256_Final(md, &ctx);
}

#define KC_END 0x01 /* 00 01: the part ends here */
#define KC_CUT 0x02 /* 00 02: cut; a digest follows */
#define KC_ESC 0xFF /* 00 FF: a 0x00 byte of the value */

_Static_assert(NUM_KEY_MAX <= KEYCODEC_MIN_BUDGET, "an N part must fit any budget");
_Static_assert(KEYCODEC_HASH_LEN + KEYCODEC_PK_BUDGET + KEYCODEC_SK_BUDGET <= KEYCODEC_MAX,
               "an item key must fit LMDB");

/* B values up to this many decoded bytes are decoded on the stack. */
#define KC_STACK_BYTES 3072

/*--------------------------- Value bytes ----------------------------------*/

/* The raw bytes of a key value: S text, decoded B, or canonical N text. */
struct kc_bytes {
  const uint8_t *p;
  size_t n;
  uint8_t *heap;                  /* owned; freed by kc_bytes_free */
  uint8_t stack[KC_STACK_BYTES];  /* B decode / N text */
};

static int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Decode standard base64 (padding optional, nothing else allowed) into out,
** which holds at least 3 * (n / 4 + 1) bytes. Returns the length or -1. */
static long b64_decode(const char *s, size_t n, uint8_t *out) {
  size_t pad = 0;
  while (pad < 2 && n > 0 && s[n - 1] == '=') {
    n--;
    pad++;
  }
  if ((pad && (n + pad) % 4 != 0) || n % 4 == 1) return -1;
  size_t k = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64_value((unsigned char)s[i]);
    if (v < 0) return -1;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (uint8_t)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return (long)k;
}

/* Fill b with the bytes of value. Returns 0, or -1 for a malformed value. */
static int kc_bytes_get(char type, const json_t *value, struct kc_bytes *b) {
  b->heap = NULL;
  if (!json_is_string(value)) return -1;
  const char *s = json_string_value(value);
  size_t n = json_string_length(value);
  switch (type) {
  case 'S':
    b->p = (const uint8_t *)s;
    b->n = n;
    return 0;
  case 'B': {
    size_t cap = 3 * (n / 4 + 1);
    uint8_t *buf = b->stack;
    if (cap > sizeof b->stack) {
      b->heap = malloc(cap);
      if (!b->heap) return -1;
      buf = b->heap;
    }
    long len = b64_decode(s, n, buf);
    if (len < 0) {
      free(b->heap);
      b->heap = NULL;
      return -1;
    }
    b->p = buf;
    b->n = (size_t)len;
    return 0;
  }
  case 'N': {
    struct ddb_num num;
    if (num_parse(s, n, &num) != NUM_OK) return -1;
    b->n = num_format(&num, (char *)b->stack);
    b->p = b->stack;
    return 0;
  }
  }
  return -1;
}

static void kc_bytes_free(struct kc_bytes *b) {
  free(b->heap);
  b->heap = NULL;
}

/*--------------------------- Parts ----------------------------------------*/

static size_t kc_clamp_budget(size_t budget) {
  if (budget < KEYCODEC_MIN_BUDGET) return KEYCODEC_MIN_BUDGET;
  if (budget > KEYCODEC_MAX) return KEYCODEC_MAX;
  return budget;
}

/* Write the escaped form of the longest prefix of v[0..n) whose escaped
** length is at most room; returns the bytes written, *used the raw bytes. */
static size_t kc_escape(const uint8_t *v, size_t n, size_t room, uint8_t *out, size_t *used) {
  size_t k = 0, i = 0;
  for (; i < n; i++) {
    if (v[i] == 0) {
      if (k + 2 > room) break;
      out[k++] = 0x00;
      out[k++] = KC_ESC;
    } else {
      if (k + 1 > room) break;
      out[k++] = v[i];
    }
  }
  if (used) *used = i;
  return k;
}

/* The S/B part of v[0..n) under budget (already clamped). */
static size_t kc_bytes_part(const uint8_t *v, size_t n, size_t budget, uint8_t *out) {
  size_t used;
  size_t k = kc_escape(v, n, budget - 2, out, &used);
  if (used == n) {
    out[k++] = 0x00;
    out[k++] = KC_END;
    return k;
  }
  k = kc_escape(v, n, budget - 2 - KEYCODEC_DIGEST_LEN, out, NULL);
  out[k++] = 0x00;
  out[k++] = KC_CUT;
  uint8_t md[SHA256_DIGEST_LENGTH];
  kc_sha256(v, n, md);
  memcpy(out + k, md, KEYCODEC_DIGEST_LEN);
  return k + KEYCODEC_DIGEST_LEN;
}

/* One part of type `type` for value under budget; 0 if malformed. */
static size_t kc_part(char type, const json_t *value, size_t budget, uint8_t *out) {
  budget = kc_clamp_budget(budget);
  if (type == 'N') {
    struct ddb_num num;
    if (!json_is_string(value)) return 0;
    if (num_parse(json_string_value(value), json_string_length(value), &num) != NUM_OK) return 0;
    return num_key_encode(&num, out); /* <= NUM_KEY_MAX <= KEYCODEC_MIN_BUDGET */
  }
  if (type != 'S' && type != 'B') return 0;
  struct kc_bytes b;
  if (kc_bytes_get(type, value, &b)) return 0;
  size_t k = kc_bytes_part(b.p, b.n, budget, out);
  kc_bytes_free(&b);
  return k;
}

/*--------------------------- Public API -----------------------------------*/

/* First 4 bytes of SHA-256 over the value's bytes, big-endian; 0 if malformed. */
uint32_t keycodec_hash(char pk_type, const json_t *pk_value) {
  struct kc_bytes b;
  if (kc_bytes_get(pk_type, pk_value, &b)) return 0;
  uint8_t md[SHA256_DIGEST_LENGTH];
  kc_sha256(b.p, b.n, md);
  kc_bytes_free(&b);
  return (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 | (uint32_t)md[2] << 8 | md[3];
}

/* hash ‖ pk part. */
size_t keycodec_partition_prefix(char pk_type, const json_t *pk_value, uint8_t *out) {
  size_t k = kc_part(pk_type, pk_value, KEYCODEC_PK_BUDGET, out + KEYCODEC_HASH_LEN);
  if (!k) return 0;
  uint32_t h = keycodec_hash(pk_type, pk_value);
  out[0] = (uint8_t)(h >> 24);
  out[1] = (uint8_t)(h >> 16);
  out[2] = (uint8_t)(h >> 8);
  out[3] = (uint8_t)h;
  return KEYCODEC_HASH_LEN + k;
}

/* hash ‖ pk part ‖ sk part. */
size_t keycodec_item_key(char pk_type, const json_t *pk_value, char sk_type,
                         const json_t *sk_value, uint8_t *out) {
  size_t k = keycodec_partition_prefix(pk_type, pk_value, out);
  if (!k || !sk_type) return k;
  size_t s = kc_part(sk_type, sk_value, KEYCODEC_SK_BUDGET, out + k);
  return s ? k + s : 0;
}

/* One sort-key part under a caller's budget. */
size_t keycodec_sort_part(char sk_type, const json_t *sk_value, size_t budget, uint8_t *out) {
  return kc_part(sk_type, sk_value, budget, out);
}

/* Escaped value without terminator, no longer than the kept prefix of a cut
** value (budget - 18): whole or cut, every value that starts with `value`
** encodes to bytes that start with these. */
size_t keycodec_sort_prefix(char type, const json_t *value, size_t budget, uint8_t *out) {
  if (type != 'S' && type != 'B') return 0;
  budget = kc_clamp_budget(budget);
  struct kc_bytes b;
  if (kc_bytes_get(type, value, &b)) return 0;
  size_t k = kc_escape(b.p, b.n, budget - 2 - KEYCODEC_DIGEST_LEN, out, NULL);
  kc_bytes_free(&b);
  return k;
}

/* Walk an S/B part; returns its length (0 if malformed) and whether it is cut. */
static size_t kc_bytes_part_len(const uint8_t *in, size_t len, int *cut) {
  for (size_t i = 0; i < len; i++) {
    if (in[i] != 0x00) continue;
    if (i + 1 >= len) return 0;
    uint8_t m = in[++i];
    if (m == KC_ESC) continue;
    if (m == KC_END) {
      *cut = 0;
      return i + 1;
    }
    if (m == KC_CUT && i + 1 + KEYCODEC_DIGEST_LEN <= len) {
      *cut = 1;
      return i + 1 + KEYCODEC_DIGEST_LEN;
    }
    return 0;
  }
  return 0;
}

size_t keycodec_part_len(char type, const uint8_t *in, size_t len) {
  int cut;
  struct ddb_num num;
  if (type == 'N') return num_key_decode(in, len, &num);
  if (type == 'S' || type == 'B') return kc_bytes_part_len(in, len, &cut);
  return 0;
}

int keycodec_part_is_cut(char type, const uint8_t *in, size_t len) {
  int cut = 0;
  if (type != 'S' && type != 'B') return 0;
  return kc_bytes_part_len(in, len, &cut) ? cut : 0;
}

size_t keycodec_part_decode(char type, const uint8_t *in, size_t len, uint8_t *out,
                            size_t *out_len, int *cut) {
  int c = 0;
  size_t used;
  *out_len = 0;
  if (type == 'N') {
    struct ddb_num num;
    used = num_key_decode(in, len, &num);
    if (used) *out_len = num_format(&num, (char *)out);
  } else if (type == 'S' || type == 'B') {
    used = kc_bytes_part_len(in, len, &c);
    if (used) {
      size_t stop = used - 2 - (c ? KEYCODEC_DIGEST_LEN : 0), k = 0;
      for (size_t i = 0; i < stop; i++) {
        out[k++] = in[i];
        if (in[i] == 0x00) i++; /* skip the FF of an escaped 0x00 */
      }
      *out_len = k;
    }
  } else {
    used = 0;
  }
  if (cut) *cut = c;
  return used;
}
