/* harness/backend_select.h — the one path from --backends / --backend (and every --backend-opt) to the selected
 * backends and their validated options, shared by `run` and `explore`: it runs before anything is opened or
 * written, so a bad option is a usage error (exit 2) and a results file is never touched. */
#ifndef RB_BACKEND_SELECT_H
#define RB_BACKEND_SELECT_H

#include <stddef.h>
#include <stdio.h>
#include "backend.h"

#define RB_BACKEND_OPT_ARGS_MAX 64
#define RB_BACKEND_NAME_MAX 32

/* The --backend-opt arguments as given, in order. */
typedef struct rb_backend_opt_args {
    int n;
    char backend[RB_BACKEND_OPT_ARGS_MAX][RB_BACKEND_NAME_MAX];
    char key[RB_BACKEND_OPT_ARGS_MAX][RB_OPT_KEY_MAX];
    char val[RB_BACKEND_OPT_ARGS_MAX][RB_OPT_VAL_MAX];
} rb_backend_opt_args;

/* Parses one "NAME.KEY=VALUE" argument and keeps it. 0, or -1 with err. */
int rb_backend_opt_args_add(rb_backend_opt_args *a, const char *arg, char *err, size_t errlen);

/* Resolves the comma-separated list (NULL or "all": every compiled-in backend) into registry indices idx[0..*nb)
 * (at most `cap`), hands every --backend-opt to its backend (one for a backend not selected is an error), and checks
 * each selected backend's options against its declared table and check_options (rb_options_check). opts has room
 * for `cap` entries. 0, or -1 with err (the "--backend-opt NAME.KEY=VALUE: why (allowed: ...)" message for a bad
 * option). */
int rb_backends_select(const char *list, const rb_backend_opt_args *a, int *idx, rb_options *opts, size_t cap,
                       size_t *nb, char *err, size_t errlen);

/* Writes backend b's declared options to out, each as "KEY  ALLOWED  (default: D)" and its help on the next line;
 * "options: none" when it declares none. Every line starts with indent. */
void rb_backend_print_options(FILE *out, const rb_backend *b, const char *indent);

#endif
