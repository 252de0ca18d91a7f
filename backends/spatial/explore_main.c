/* backends/spatial/explore_main.c — `spatial-explore`: standalone design-space dump of the spatial backend.
 *   spatial-explore --cell lstm|gru|vanilla --hidden H --timesteps T [--input I] [--batch B]
 *                   [--arch FILE|sysml19|sysml19-1mac|isca17] [--input-mode full|skip]
 *                   [--mapping search|paper|HU,RU[,RV]] [--capacity onchip|stream]
 * Prints the CSV of rb_spatial_explore_csv on stdout. Exit 0 ok, 1 failure, 2 bad usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spatial_explore.h"

static int usage(const char *why)
{
    fprintf(stderr,
            "spatial-explore: %s\nusage: spatial-explore --cell lstm|gru|vanilla --hidden H --timesteps T "
            "[--input I] [--batch B] [--arch FILE|sysml19|sysml19-1mac|isca17] [--input-mode full|skip] "
            "[--mapping search|paper|HU,RU[,RV]] [--capacity onchip|stream]\n",
            why);
    return 2;
}

static int parse_pos(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 1000000)
        return -1;
    *out = (int)v;
    return 0;
}

static void add_opt(rb_options *o, const char *k, const char *v)
{
    snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", k);
    snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%s", v);
    o->n++;
}

int main(int argc, char **argv)
{
    rb_problem p;
    memset(&p, 0, sizeof p);
    p.batch = 1;
    int have_cell = 0;
    rb_options opt;
    memset(&opt, 0, sizeof opt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return usage("option without a value");
        const char *v = argv[++i];
        int *dst = NULL;
        if (strcmp(a, "--cell") == 0) {
            if (rb_cell_parse(v, &p.cell) != 0)
                return usage("--cell: not lstm, gru or vanilla");
            have_cell = 1;
        } else if (strcmp(a, "--hidden") == 0)
            dst = &p.hidden;
        else if (strcmp(a, "--timesteps") == 0)
            dst = &p.timesteps;
        else if (strcmp(a, "--input") == 0)
            dst = &p.input;
        else if (strcmp(a, "--batch") == 0)
            dst = &p.batch;
        else if (strcmp(a, "--arch") == 0)
            add_opt(&opt, "arch", v);
        else if (strcmp(a, "--input-mode") == 0)
            add_opt(&opt, "input", v);
        else if (strcmp(a, "--mapping") == 0)
            add_opt(&opt, "mapping", v);
        else if (strcmp(a, "--capacity") == 0)
            add_opt(&opt, "capacity", v);
        else
            return usage("unknown option");
        if (dst && parse_pos(v, dst) != 0)
            return usage("expected a positive integer");
    }
    if (!have_cell || !p.hidden || !p.timesteps)
        return usage("--cell, --hidden and --timesteps are required");
    if (!p.input)
        p.input = p.hidden;
    rb_problem_default_name(&p);
    char err[512];
    if (rb_spatial_explore_csv(&p, &opt, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "spatial-explore: %s\n", err);
        return 1;
    }
    return 0;
}
