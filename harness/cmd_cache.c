/* harness/cmd_cache.c — `rnnbench cache info|clear`: where the output cache is, what it holds, and emptying it. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "output_cache.h"

static void cache_usage(FILE *out)
{
    fprintf(out,
            "usage: rnnbench cache info|clear [--dir DIR]\n"
            "  The output cache keeps the fp32 reference of each problem and the functional output of each\n"
            "  simulated/modeled numerics, keyed by (shape, seed, numerics, build), so a rerun, a --resume or a sweep\n"
            "  over architecture or timing parameters does not recompute them. Outputs read from it are checked\n"
            "  against the reference like fresh ones.\n"
            "  info    where it is, entries and bytes, temporary files of writers in progress or killed, the size cap\n"
            "  clear   removes every entry and temporary file (nothing else in the directory)\n"
            "  --dir DIR   this directory instead of the configured one\n"
            "environment: RNNBENCH_CACHE_DIR (default $XDG_CACHE_HOME/rnnbench or ~/.cache/rnnbench),\n"
            "  RNNBENCH_CACHE=off (no cache), RNNBENCH_CACHE_MAX=BYTES[K|M|G] (default 4G; least recently used go)\n");
}

int rb_cmd_cache(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *dir_opt = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dir_opt = optarg; break;
        case 'h': cache_usage(stdout); return RB_EXIT_OK;
        case ':':
            fprintf(stderr, "rnnbench cache: option '%s' needs a value\n", argv[optind - 1]);
            return RB_EXIT_USAGE;
        default:
            fprintf(stderr, "rnnbench cache: unknown option '%s'\n(see `rnnbench cache --help`)\n", argv[optind - 1]);
            return RB_EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || (strcmp(argv[optind], "info") != 0 && strcmp(argv[optind], "clear") != 0)) {
        fprintf(stderr, "rnnbench cache: expected one action, info or clear\n(see `rnnbench cache --help`)\n");
        return RB_EXIT_USAGE;
    }
    char dir[4096];
    int enabled = rb_cache_enabled(dir, sizeof dir);
    if (dir_opt)
        snprintf(dir, sizeof dir, "%s", dir_opt);
    else if (!enabled) {
        const char *off = getenv("RNNBENCH_CACHE");
        printf("output cache: off (%s)\n", off && *off ? "RNNBENCH_CACHE=off" : "no RNNBENCH_CACHE_DIR, XDG_CACHE_HOME or HOME");
        return RB_EXIT_OK;
    }
    if (strcmp(argv[optind], "clear") == 0) {
        size_t removed = 0;
        if (rb_cache_clear(dir, &removed) != 0) {
            fprintf(stderr, "rnnbench cache clear: %s: cannot remove every entry\n", dir);
            return RB_EXIT_STORE;
        }
        printf("output cache %s: removed %zu file%s\n", dir, removed, removed == 1 ? "" : "s");
        return RB_EXIT_OK;
    }
    rb_cache_stats st;
    if (rb_cache_stats_read(dir, &st) != 0) {
        fprintf(stderr, "rnnbench cache info: %s: cannot read the directory\n", dir);
        return RB_EXIT_USAGE;
    }
    printf("output cache: %s%s\n", dir, enabled || dir_opt ? "" : " (off)");
    printf("entries:      %zu (%.1f MiB)\n", st.entries, (double)st.bytes / 1048576.0);
    printf("temporaries:  %zu (writers in progress or killed; removed after an hour, or by clear)\n", st.temporaries);
    printf("size cap:     %.1f MiB (RNNBENCH_CACHE_MAX)\n", (double)rb_cache_max_bytes() / 1048576.0);
    return RB_EXIT_OK;
}
