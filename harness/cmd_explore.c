/* harness/cmd_explore.c — `rnnbench explore`: a backend's design space for one problem, as CSV on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "registry.h"

static void explore_usage(FILE *out)
{
    fprintf(out,
            "usage: rnnbench explore --backend NAME --cell lstm|gru|vanilla --hidden H --timesteps T\n"
            "                        [--input I] [--batch B] [--backend-opt NAME.KEY=VALUE ...]\n"
            "  Writes every design point the backend considers for the problem as CSV (e.g. the spatial\n"
            "  backend's (hu, ru, rv) mappings with latency, units and area), for latency-vs-area plots.\n");
}

int rb_cmd_explore(int argc, char **argv)
{
    static const struct option opts[] = {
        {"backend", required_argument, 0, 'B'}, {"cell", required_argument, 0, 'c'},
        {"hidden", required_argument, 0, 'H'},  {"input", required_argument, 0, 'I'},
        {"batch", required_argument, 0, 'b'},   {"timesteps", required_argument, 0, 'T'},
        {"backend-opt", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *backend = NULL;
    rb_problem p = {.cell = RB_CELL_LSTM, .hidden = 0, .input = 0, .batch = 1, .timesteps = 0};
    int have_cell = 0;
    rb_options o = {0};
    char opt_backend[64] = "", first_opt_backend[64] = ""; /* the backend the --backend-opt values are for */
    char err[512];
    long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'B': backend = optarg; break;
        case 'c':
            if (rb_cell_parse(optarg, &p.cell) != 0) {
                fprintf(stderr, "rnnbench explore: --cell '%s': expected lstm, gru or vanilla\n", optarg);
                return RB_EXIT_USAGE;
            }
            have_cell = 1;
            break;
        case 'H': case 'I': case 'b': case 'T':
            if (rb_parse_int(optarg, 1, c == 'T' ? 1000000 : 65536, &v) != 0) {
                fprintf(stderr, "rnnbench explore: bad value '%s' for --%s\n", optarg,
                        c == 'H' ? "hidden" : c == 'I' ? "input" : c == 'b' ? "batch" : "timesteps");
                return RB_EXIT_USAGE;
            }
            if (c == 'H') p.hidden = (int)v;
            else if (c == 'I') p.input = (int)v;
            else if (c == 'b') p.batch = (int)v;
            else p.timesteps = (int)v;
            break;
        case 'o': {
            char key[RB_OPT_KEY_MAX], val[RB_OPT_VAL_MAX];
            if (rb_parse_backend_opt(optarg, opt_backend, sizeof opt_backend, key, sizeof key, val, sizeof val, err,
                                     sizeof err) != 0 ||
                rb_options_add(&o, opt_backend, key, val, err, sizeof err) != 0) {
                fprintf(stderr, "rnnbench explore: %s\n", err);
                return RB_EXIT_USAGE;
            }
            if (first_opt_backend[0] && strcmp(first_opt_backend, opt_backend) != 0) {
                fprintf(stderr, "rnnbench explore: --backend-opt for two backends ('%s', '%s')\n",
                        first_opt_backend, opt_backend);
                return RB_EXIT_USAGE;
            }
            snprintf(first_opt_backend, sizeof first_opt_backend, "%s", opt_backend);
            break;
        }
        case 'h': explore_usage(stdout); return RB_EXIT_OK;
        default: explore_usage(stderr); return RB_EXIT_USAGE;
        }
    }
    if (!backend || !have_cell || !p.hidden || !p.timesteps || optind < argc) {
        fprintf(stderr, "rnnbench explore: --backend, --cell, --hidden and --timesteps are required\n");
        explore_usage(stderr);
        return RB_EXIT_USAGE;
    }
    if (first_opt_backend[0] && strcmp(first_opt_backend, backend) != 0) {
        fprintf(stderr, "rnnbench explore: --backend-opt is for '%s', not '%s'\n", first_opt_backend, backend);
        return RB_EXIT_USAGE;
    }
    if (!p.input)
        p.input = p.hidden;
    rb_problem_default_name(&p);
    const rb_backend *b = rb_backend_find(backend);
    if (!b) {
        fprintf(stderr, "rnnbench explore: unknown backend '%s' (see `rnnbench list --backends-only`)\n", backend);
        return RB_EXIT_USAGE;
    }
    if (!b->explore) {
        fprintf(stderr, "rnnbench explore: backend '%s' has no design space to explore\n", backend);
        return RB_EXIT_USAGE;
    }
    rb_status st = {{0}};
    if (b->explore(&p, &o, stdout, &st) != 0) {
        fprintf(stderr, "rnnbench explore: %s: %s\n", backend, st.msg);
        return RB_EXIT_USAGE;
    }
    return RB_EXIT_OK;
}
