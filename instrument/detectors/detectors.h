/*
** instrument/detectors/detectors.h: the detector table.
**
** A detector has a stable id (DDBnnn), a short name, the severity it reports
** by default, the texts SARIF rules and the README show, and up to two hooks:
**   pre   runs once the request is known, before the operation (so enforce
**         mode can refuse it); it reads only the request;
**   post  runs once the answer is known (status, error, counts).
** A hook raises findings with inst_emit(); it keeps its state in struct inst.
** The table is in detectors.c, in DET_* order.
*/
#ifndef DDB_INST_DETECTORS_H
#define DDB_INST_DETECTORS_H

#include "instrument/internal.h"

enum {
  DET_DDB001, /* legacy conditional parameter */
  DET_DDB003, /* tautology */
  DET_DDB004, /* expression or statement shape drift */
  DET_DDB005, /* PartiQL with inlined literals */
  DET_DDB006, /* full-table read */
  DET_DDB007, /* table walk */
  DET_DDB008, /* parallel-scan abuse */
  DET_DDB009, /* unbounded or huge Limit */
  DET_DDB010, /* key type confusion */
  DET_DDB011, /* attacker-shaped value */
  DET_DDB012, /* unknown or dynamic table */
  DET_DDB013, /* table enumeration */
  DET_DDB015, /* reconnaissance by an app principal */
  DET_DDB016, /* control-plane call by an app principal */
  DET_DDB017, /* mass assignment */
  DET_DDB018, /* sensitive projection */
  DET_DDB019, /* malformed expressions */
  DET_DDB020, /* fuzz canary in a dangerous position */
  DET_DDB024, /* oversized request or item */
  DET_COUNT
};

typedef void inst_hook(struct inst *in, struct inst_trace *t);

struct inst_detector {
  const char *id;          /* "DDB006" */
  const char *name;        /* "full-table read" */
  int severity;            /* default severity (enum inst_severity) */
  int max_severity;        /* the highest it can report (SARIF security-severity) */
  const char *summary;     /* one sentence */
  const char *description; /* what triggers it */
  const char *help;        /* what to do about it */
  inst_hook *pre;
  inst_hook *post;
};

extern const struct inst_detector inst_detectors[DET_COUNT];

/* The index of detector id ("DDB006"), or -1. */
int inst_detector_find(const char *id);

/* Hooks, by family. */
inst_hook det_full_read_pre, det_full_read_post, det_walk_pre, det_walk_post, det_segments_pre, det_limit_pre;
inst_hook det_tables_pre, det_enum_pre, det_enum_post, det_recon_pre, det_control_pre;
inst_hook det_expr_post, det_size_pre;
inst_hook det_legacy_pre, det_tautology_post, det_drift_post, det_partiql_post, det_canary_pre;
inst_hook det_key_type_post, det_shape_pre, det_type_drift_post;
inst_hook det_mass_pre, det_mass_post, det_sensitive_post;

/* Operations by family (bits of inst_op_class; trace->op_class caches it). */
#define INST_OP_DATA 0x01     /* reads or writes items */
#define INST_OP_READ 0x02     /* changes nothing */
#define INST_OP_RECON 0x04    /* describes or lists the account's resources */
#define INST_OP_CONTROL 0x08  /* manages tables, backups, TTL, tags, policies */
#define INST_OP_CRITICAL 0x10 /* DeleteTable, UpdateTimeToLive, ExportTableToPointInTime,
                                 PutResourcePolicy */
unsigned inst_op_class(const char *op);

#endif
