/* harness/cmd_explore.c — `rnnbench explore`: a backend's design space for one problem, as CSV on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "backend_select.h"
#include "cli.h"
#include "registry.h"

static void explore_usage(FILE *out)
{
    fprintf(out,
            "usage: rnnbench explore --backend NAME --cell lstm|gru|vanilla --hidden H --timesteps T [options]\n"
            "  Writes every design point the backend considers for one problem as CSV on stdout (e.g. the spatial\n"
            "  backend's (hu, ru, rv) mappings with latency, units and area), for latency-vs-area plots.\n"
            "\n"
            "  --backend NAME         backend with a design space (spatial); required\n"
            "  --cell C               lstm, gru or vanilla; required\n"
            "  --hidden H             hidden size; required\n"
            "  --timesteps T          sequence length; required\n"
            "  --input I              input size (default: H)\n"
            "  --batch B              batch size (default 1)\n"
            "  --backend-opt B.K=V    option K=V for backend B (repeatable), checked as by `run`; e.g.\n"
            "                         spatial.arch=baseline (`rnnbench list --backends-only` lists every option)\n"
            "  --help                 this text\n"
            "exit codes: 0 ok, 2 bad usage or input\n");
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
    rb_backend_opt_args args = {0};
    char err[1024];
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
        case 'o':
            if (rb_backend_opt_args_add(&args, optarg, err, sizeof err) != 0) {
                fprintf(stderr, "rnnbench explore: %s\n", err);
                return RB_EXIT_USAGE;
            }
            break;
        case 'h': explore_usage(stdout); return RB_EXIT_OK;
        default: explore_usage(stderr); return RB_EXIT_USAGE;
        }
    }
    if (!backend || !have_cell || !p.hidden || !p.timesteps || optind < argc) {
        fprintf(stderr, "rnnbench explore: --backend, --cell, --hidden and --timesteps are required\n");
        explore_usage(stderr);
        return RB_EXIT_USAGE;
    }
    if (!p.input)
        p.input = p.hidden;
    rb_problem_default_name(&p);
    /* the same selection and option checks as `run` */
    int idx[1];
    rb_options o;
    size_t nb = 0;
    int not_one = strchr(backend, ',') != NULL || strcmp(backend, "all") == 0;
    if (not_one || rb_backends_select(backend, &args, idx, &o, 1, &nb, err, sizeof err) != 0) {
        if (not_one)
            fprintf(stderr, "rnnbench explore: --backend takes one backend name, not '%s'\n", backend);
        else if (strncmp(err, "--backend-opt", 13) == 0)
            fprintf(stderr, "rnnbench explore: %s\n", err);
        else
            fprintf(stderr, "rnnbench explore: --backend: %s (see `rnnbench list --backends-only`)\n", err);
        return RB_EXIT_USAGE;
    }
    const rb_backend *b = rb_backend_at((size_t)idx[0]);
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
