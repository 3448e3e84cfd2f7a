/*
** server/model/model.c: look-ups over the generated model tables (model.h).
** The tables themselves are in model_gen.c, written by tools/gen_model.py.
*/
#include "model.h"

#include <stdlib.h>
#include <string.h>

static int op_cmp(const void *key, const void *elem) {
  return strcmp(key, ((const struct model_op *)elem)->name);
}

const struct model_op *model_op_find(const char *name) {
  if (!name) return NULL;
  return bsearch(name, model_ops, model_nops, sizeof model_ops[0], op_cmp);
}

const struct model_member *model_member_find(const struct model_shape *s, const char *name,
                                             size_t len) {
  /* Structures have at most a few dozen members: a length test first, then
  ** memcmp, beats a hash here. */
  for (uint16_t i = 0; i < s->nmembers; i++) {
    const struct model_member *m = &s->members[i];
    if (m->name_len == len && m->name[0] == name[0] && memcmp(m->name, name, len) == 0)
      return m;
  }
  return NULL;
}
