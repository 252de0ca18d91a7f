/* harness/cmd_list.c — `rnnbench list`: suites, their workloads, backends (whether each can run here, and the
 * options each declares). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend_select.h"
#include "cli.h"
#include "probe_cache.h"
#include "registry.h"

static void list_usage(FILE *out)
{
    fprintf(out, "usage: rnnbench list [--suite NAME | --workloads FILE] [--backends-only]\n"
                 "  Lists the built-in suites, the workloads of one suite or file, and every compiled-in backend:\n"
                 "  its kind, whether it can run on this machine (and why not), and the options it accepts.\n"
                 "\n"
                 "  --suite NAME           workloads of this built-in suite (default paper)\n"
                 "  --workloads FILE       workloads of this file instead\n"
                 "  --backends-only        only the backends and their options\n"
                 "  --help                 this text\n");
}

int rb_cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {{"suite", required_argument, 0, 's'},
                                         {"workloads", required_argument, 0, 'w'},
                                         {"backends-only", no_argument, 0, 'b'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *suite = NULL, *file = NULL;
    int backends_only = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': suite = optarg; break;
        case 'w': file = optarg; break;
        case 'b': backends_only = 1; break;
        case 'h': list_usage(stdout); return RB_EXIT_OK;
        default: list_usage(stderr); return RB_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "rnnbench list: unexpected argument '%s'\n", argv[optind]);
        return RB_EXIT_USAGE;
    }
    if (!backends_only) {
        char err[512];
        rb_problem *probs = NULL;
        size_t n = 0;
        if (rb_load_problems(suite, file, "paper", &probs, &n, err, sizeof err) != 0) {
            fprintf(stderr, "rnnbench list: %s\n", err);
            return RB_EXIT_USAGE;
        }
        printf("suites:\n");
        for (const char *const *s = rb_suite_names(); *s; s++)
            printf("  %-22s %s\n", *s, rb_suite_summary(*s) ? rb_suite_summary(*s) : "");
        printf("\nworkloads (%s, %zu):\n", file ? file : (suite ? suite : "paper"), n);
        printf("  %-28s %-8s %7s %7s %6s %8s %14s %14s\n", "name", "cell", "hidden", "input", "batch", "steps",
               "MFLOP(deepb.)", "MFLOP(full)");
        for (size_t i = 0; i < n; i++)
            printf("  %-28s %-8s %7d %7d %6d %8d %14.1f %14.1f\n", probs[i].name, rb_cell_name(probs[i].cell),
                   probs[i].hidden, probs[i].input, probs[i].batch, probs[i].timesteps,
                   rb_flops_deepbench(&probs[i]) / 1e6, rb_flops_full(&probs[i]) / 1e6);
        free(probs);
        printf("\n");
    }
    printf("backends:\n");
    for (size_t i = 0; i < rb_backend_count(); i++) {
        const rb_backend *b = rb_backend_at(i);
        rb_status st;
        int ok = rb_probe_once(i, &st) == 0;
        printf("  %-10s %-9s %-11s %s\n", b->name, rb_kind_name(b->kind), ok ? "available" : "unavailable",
               b->summary);
        if (!ok)
            printf("             why unavailable: %s\n", st.msg);
        rb_backend_print_options(stdout, b, "             ");
    }
    return RB_EXIT_OK;
}
