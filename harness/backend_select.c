/* harness/backend_select.c — selected backends and their validated options for `run` and `explore`, and the
 * options table `list` prints (see backend_select.h). */
#include <stdio.h>
#include <string.h>
#include "backend_select.h"
#include "cli.h"
#include "registry.h"

int rb_backend_opt_args_add(rb_backend_opt_args *a, const char *arg, char *err, size_t errlen)
{
    if (a->n >= RB_BACKEND_OPT_ARGS_MAX) {
        snprintf(err, errlen, "too many --backend-opt (at most %d)", RB_BACKEND_OPT_ARGS_MAX);
        return -1;
    }
    if (rb_parse_backend_opt(arg, a->backend[a->n], RB_BACKEND_NAME_MAX, a->key[a->n], RB_OPT_KEY_MAX, a->val[a->n],
                             RB_OPT_VAL_MAX, err, errlen) != 0)
        return -1;
    a->n++;
    return 0;
}

static int registry_index(const rb_backend *b)
{
    for (size_t i = 0; i < rb_backend_count(); i++)
        if (rb_backend_at(i) == b)
            return (int)i;
    return -1;
}

static void known_backends(char *out, size_t len)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < rb_backend_count() && used < len; i++) {
        int w = snprintf(out + used, len - used, "%s%s", i ? " " : "", rb_backend_at(i)->name);
        used += w > 0 ? (size_t)w : 0;
    }
}

static int parse_list(const char *list, int *idx, size_t cap, size_t *nb, char *err, size_t errlen)
{
    char known[512];
    *nb = 0;
    if (!list || strcmp(list, "all") == 0) {
        for (size_t i = 0; i < rb_backend_count() && *nb < cap; i++)
            idx[(*nb)++] = (int)i;
        return 0;
    }
    char copy[1024];
    if (strlen(list) >= sizeof copy) { /* (it used to be cut silently) */
        snprintf(err, errlen, "list of backends too long (%zu characters, at most %zu)", strlen(list),
                 sizeof copy - 1);
        return -1;
    }
    snprintf(copy, sizeof copy, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const rb_backend *b = rb_backend_find(tok);
        if (!b) {
            known_backends(known, sizeof known);
            snprintf(err, errlen, "unknown backend '%s' (known: %s)", tok, known);
            return -1;
        }
        int i = registry_index(b);
        for (size_t k = 0; k < *nb; k++)
            if (idx[k] == i) {
                snprintf(err, errlen, "backend '%s' given twice", tok);
                return -1;
            }
        if (*nb >= cap) {
            snprintf(err, errlen, "too many backends (at most %zu)", cap);
            return -1;
        }
        idx[(*nb)++] = i;
    }
    if (*nb == 0) {
        snprintf(err, errlen, "empty list of backends");
        return -1;
    }
    return 0;
}

int rb_backends_select(const char *list, const rb_backend_opt_args *a, int *idx, rb_options *opts, size_t cap,
                       size_t *nb, char *err, size_t errlen)
{
    if (parse_list(list, idx, cap, nb, err, errlen) != 0)
        return -1;
    memset(opts, 0, *nb * sizeof *opts);
    for (int o = 0; a && o < a->n; o++) {
        size_t k = 0;
        while (k < *nb && strcmp(rb_backend_at((size_t)idx[k])->name, a->backend[o]) != 0)
            k++;
        if (k == *nb) {
            char selected[512];
            size_t used = 0;
            selected[0] = 0;
            for (size_t s = 0; s < *nb && used < sizeof selected; s++) {
                int w = snprintf(selected + used, sizeof selected - used, "%s%s", s ? "," : "",
                                 rb_backend_at((size_t)idx[s])->name);
                used += w > 0 ? (size_t)w : 0;
            }
            snprintf(err, errlen, "--backend-opt %s.%s=%s: backend '%s' is not selected (selected: %s)",
                     a->backend[o], a->key[o], a->val[o], a->backend[o], selected);
            return -1;
        }
        if (rb_options_add(&opts[k], a->backend[o], a->key[o], a->val[o], err, errlen) != 0)
            return -1;
    }
    for (size_t k = 0; k < *nb; k++) {
        rb_status why = {{0}};
        if (rb_options_check(rb_backend_at((size_t)idx[k]), &opts[k], &why) != 0) {
            snprintf(err, errlen, "%s", why.msg);
            return -1;
        }
    }
    return 0;
}

void rb_backend_print_options(FILE *out, const rb_backend *b, const char *indent)
{
    const rb_option_spec *s = b->options;
    if (!s || !s->key) {
        fprintf(out, "%soptions: none\n", indent);
        return;
    }
    fprintf(out, "%soptions (--backend-opt %s.KEY=VALUE):\n", indent, b->name);
    int kw = 0;
    for (; s->key; s++)
        kw = (int)strlen(s->key) > kw ? (int)strlen(s->key) : kw;
    for (s = b->options; s->key; s++) {
        const char *allowed = s->allowed ? s->allowed
                              : s->type == RB_OPT_INT  ? "an integer"
                              : s->type == RB_OPT_REAL ? "a number"
                                                       : "text";
        fprintf(out, "%s  %-*s  %s  (default: %s)\n", indent, kw, s->key, allowed,
                s->default_value ? s->default_value : "none");
        if (s->help && *s->help)
            fprintf(out, "%s  %-*s  %s\n", indent, kw, "", s->help);
    }
}
