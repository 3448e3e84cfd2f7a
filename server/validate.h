/*
** server/validate.h: DynamoDB's generic request-shape validation.
**
** Before an operation runs, DynamoDB checks its JSON body against the service
** model, in two phases (see ../shared/FIDELITY.md):
**   1. deserialisation: JSON types, in document order; the first mismatch is a
**      SerializationException with a Java-flavoured text ("NUMBER_VALUE cannot
**      be converted to String", "Unexpected field type", ...).
**   2. constraints: required members, lengths, ranges, patterns, enums, all
**      collected into one ValidationException:
**        "1 validation error detected: Value 'BOGUS' at 'returnValues' failed
**         to satisfy constraint: Member must satisfy enum value set: [...]"
**        "N validation errors detected: <e1>; <e2>; ..." (at most 10 listed).
** A few checks DynamoDB makes first replace the list with a message of their
** own ("The parameter 'TableName' is required but was not present in the
** request", "The requestItems parameter is required for BatchGetItem").
**
** Semantic rules stay with the operations and value.c: AttributeValue
** contents (one type, numbers, sets), expressions, key schemas.
**
** Operations that add checks of their own to the same "N validation errors"
** list use validate_request_collect() and the validate_list_* calls. As far as
** the captures show, DynamoDB's own operation checks (KeySchema rules,
** BillingMode, expression errors, ...) never join that list: they run only
** when the list is empty and answer with a bare message. A caller therefore
** normally calls validate_list_finish() before its own checks; the list API
** exists for the rare check that DynamoDB reports in list form.
*/
#ifndef DDB_VALIDATE_H
#define DDB_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "errors.h"

#define VALIDATE_MAX_LISTED 10 /* DynamoDB lists at most 10 errors */

/* Constraint violations collected for one "N validation errors detected"
** message. Zero-initialised (or validate_list_init) is empty; nothing is
** allocated until the first error. */
struct validate_list {
  int count;   /* entries listed (at most VALIDATE_MAX_LISTED) */
  char *text;  /* "e1; e2; ..." (heap, owned), NULL while count == 0 */
  size_t len;  /* strlen(text) */
  size_t cap;  /* allocated size of text */
};

/* Validate `body` (borrowed; NULL is treated as {}) as the input of
** `operation` ("GetItem"; DynamoDB and DynamoDB Streams operations). Returns 0,
** or -1 with e set to DynamoDB's SerializationException or
** ValidationException. An operation the model does not know passes.
**
** Side effect: scalars that DynamoDB's deserialiser converts are replaced in
** body by their canonical JSON so that operations read one form: "true",
** "yes", "1" (any case) -> true and "false", "no", "0" -> false for Boolean
** members; 2.7 -> 2 (floor) for Integer and Long members. Nothing is allocated
** for a valid body without such values. */
int validate_request(const char *operation, json_t *body, struct ddb_err *e);

/* As validate_request, but constraint violations are left in l (which the
** caller initialised) for the caller to extend and then finish. Returns -1 with
** e set only for errors that do not go in the list (serialisation errors and
** the pre-checks above); l is then left empty. */
int validate_request_collect(const char *operation, json_t *body, struct validate_list *l,
                             struct ddb_err *e);

void validate_list_init(struct validate_list *l);

/* Append one entry of DynamoDB's form
**   "Value '<value>' at '<path>' failed to satisfy constraint: <constraint>"
** value (borrowed) is printed the way DynamoDB's Java objects print (strings
** bare, lists "[a, b]", maps "{k=v}"); NULL prints "Value null at ...".
** Entries beyond VALIDATE_MAX_LISTED are dropped, as DynamoDB does. Returns
** l->count. */
int validate_list_add_value(struct validate_list *l, const json_t *value, const char *path,
                            const char *constraint);

/* Append a preformatted entry (printf format). Returns l->count. */
int validate_list_add(struct validate_list *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Turn the list into e: returns 0 if it is empty, else -1 with e set to the
** ValidationException "N validation error(s) detected: ...". Frees the list
** either way (it is empty afterwards). */
int validate_list_finish(struct validate_list *l, struct ddb_err *e);

/* Free the list without reporting it. */
void validate_list_free(struct validate_list *l);

/* DynamoDB's 2026 validation rollout changed PutItem, UpdateItem and
** DeleteItem (see validate.c, "The newer front layer"); ddbwatch answers like
** the new cohort (us-east-1 today). true selects the classic answers of the
** regions not yet moved. Process-wide; set it before serving requests. */
void validate_set_legacy_cohort(bool on);

#endif
