/* harness/cli.h — the subcommands of the rnnbench command line and their shared helpers. */
#ifndef RB_CLI_H
#define RB_CLI_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"

/* Exit codes (also in README): */
#define RB_EXIT_OK 0          /* every job ok or unavailable */
#define RB_EXIT_JOB_FAILED 1  /* some job failed, was inaccurate (output over its error bound) or timed out */
#define RB_EXIT_USAGE 2       /* bad usage or bad input; nothing written */
#define RB_EXIT_INTERRUPTED 3 /* SIGINT/SIGTERM: results so far flushed, file closed */
#define RB_EXIT_STORE 4       /* the results file could not be written */

int rb_cmd_run(int argc, char **argv);
int rb_cmd_list(int argc, char **argv);
int rb_cmd_explore(int argc, char **argv);
int rb_cmd_import(int argc, char **argv);
int rb_cmd_cache(int argc, char **argv);

/* Parses "name.key=value" into backend name and option. Returns 0, or -1 with err ("--backend-opt 'x': why"). */
int rb_parse_backend_opt(const char *arg, char *backend, size_t blen, char *key, size_t klen, char *val,
                         size_t vlen, char *err, size_t errlen);
/* Adds key=value to o; a key given twice or more than RB_OPT_MAX options is an error ("--backend-opt B.K: why"). */
int rb_options_add(rb_options *o, const char *backend, const char *key, const char *val, char *err,
                   size_t errlen);
/* Strict number parsing for flags (workloads/number.h: decimal only, no blanks, '+', hex, inf/nan; rb_parse_u64 no
 * '-'): the whole string must be a number in [lo, hi]. 0 or -1. */
int rb_parse_int(const char *s, long lo, long hi, long *out);
int rb_parse_double(const char *s, double lo, double hi, double *out);
int rb_parse_u64(const char *s, uint64_t *out);

/* Loads problems from --suite or --workloads (exactly one may be given; suite_default used when neither).
 * Returns 0, or -1 with err. */
int rb_load_problems(const char *suite, const char *file, const char *suite_default, rb_problem **out, size_t *n,
                     char *err, size_t errlen);

#endif
