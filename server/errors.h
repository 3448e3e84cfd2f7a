/*
** server/errors.h: DynamoDB's errors as values.
**
** A handler that meets a client error fills a struct ddb_err and returns -1;
** only server/http.c turns it into bytes:
**   HTTP <status>  {"__type":"<namespace>#<name>","message":"<msg>"}
** The table below is the one place that names each error, its HTTP status and
** the namespace DynamoDB puts in front of it (see ../shared/FIDELITY.md).
*/
#ifndef DDB_ERRORS_H
#define DDB_ERRORS_H

#include <stdarg.h>
#include <jansson.h>

#define DDB_NS_VALIDATE "com.amazon.coral.validate#"
#define DDB_NS_SERVICE  "com.amazon.coral.service#"
#define DDB_NS_DYNAMODB "com.amazonaws.dynamodb.v20120810#"

/* X(code, http status, namespace, name) */
#define DDB_ERRORS(X)                                                                    \
  X(DDB_VALIDATION, 400, DDB_NS_VALIDATE, "ValidationException")                         \
  X(DDB_SERIALIZATION, 400, DDB_NS_SERVICE, "SerializationException")                    \
  X(DDB_UNKNOWN_OPERATION, 400, DDB_NS_SERVICE, "UnknownOperationException")             \
  X(DDB_MISSING_AUTH_TOKEN, 400, DDB_NS_SERVICE, "MissingAuthenticationTokenException")  \
  X(DDB_INCOMPLETE_SIGNATURE, 400, DDB_NS_SERVICE, "IncompleteSignatureException")       \
  X(DDB_INVALID_SIGNATURE, 400, DDB_NS_SERVICE, "InvalidSignatureException")             \
  X(DDB_UNRECOGNIZED_CLIENT, 400, DDB_NS_SERVICE, "UnrecognizedClientException")         \
  X(DDB_ACCESS_DENIED, 400, DDB_NS_SERVICE, "AccessDeniedException")                     \
  X(DDB_REQUEST_TOO_LARGE, 413, DDB_NS_SERVICE, "RequestEntityTooLargeException")        \
  X(DDB_RESOURCE_NOT_FOUND, 400, DDB_NS_DYNAMODB, "ResourceNotFoundException")           \
  X(DDB_RESOURCE_IN_USE, 400, DDB_NS_DYNAMODB, "ResourceInUseException")                 \
  X(DDB_CONDITIONAL_CHECK_FAILED, 400, DDB_NS_DYNAMODB, "ConditionalCheckFailedException") \
  X(DDB_TRANSACTION_CANCELED, 400, DDB_NS_DYNAMODB, "TransactionCanceledException")      \
  X(DDB_TRANSACTION_CONFLICT, 400, DDB_NS_DYNAMODB, "TransactionConflictException")      \
  X(DDB_TRANSACTION_IN_PROGRESS, 400, DDB_NS_DYNAMODB, "TransactionInProgressException") \
  X(DDB_IDEMPOTENT_MISMATCH, 400, DDB_NS_DYNAMODB, "IdempotentParameterMismatchException") \
  X(DDB_DUPLICATE_ITEM, 400, DDB_NS_DYNAMODB, "DuplicateItemException")                  \
  X(DDB_LIMIT_EXCEEDED, 400, DDB_NS_DYNAMODB, "LimitExceededException")                  \
  X(DDB_THROUGHPUT_EXCEEDED, 400, DDB_NS_DYNAMODB, "ProvisionedThroughputExceededException") \
  X(DDB_REQUEST_LIMIT_EXCEEDED, 400, DDB_NS_DYNAMODB, "RequestLimitExceeded")            \
  X(DDB_ITEM_COLLECTION_SIZE, 400, DDB_NS_DYNAMODB, "ItemCollectionSizeLimitExceededException") \
  X(DDB_INTERNAL, 500, DDB_NS_DYNAMODB, "InternalServerError")                           \
  X(DDB_UNAVAILABLE, 503, DDB_NS_DYNAMODB, "ServiceUnavailableException")

typedef enum {
  DDB_OK = 0,
#define X(code, status, ns, name) code,
  DDB_ERRORS(X)
#undef X
  DDB_ERROR_COUNT
} ddb_code;

/* A client-visible error. msg is heap-owned; extra (may be NULL) holds members
** that DynamoDB adds to some errors (e.g. "Item" on ConditionalCheckFailed,
** "CancellationReasons" on TransactionCanceled) and is merged into the body. */
struct ddb_err {
  ddb_code code;
  char *msg;
  json_t *extra; /* owned reference or NULL */
};

/* Record an error and return -1. The first error wins: a later call while
** e->code != DDB_OK changes nothing (like SQLite's Parse.nErr). */
int ddb_fail(struct ddb_err *e, ddb_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ddb_vfail(struct ddb_err *e, ddb_code code, const char *fmt, va_list ap);

/* Free msg and extra; leave e ready for reuse. */
void ddb_err_clear(struct ddb_err *e);

int ddb_code_status(ddb_code code);     /* HTTP status */
const char *ddb_code_name(ddb_code code); /* "ValidationException" */
const char *ddb_code_ns(ddb_code code);   /* "com.amazon.coral.validate#" */

/* A new reference to {"__type": ns+name, "message": msg, ...extra}. */
json_t *ddb_err_body(const struct ddb_err *e);

#endif
