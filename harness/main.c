/* harness/main.c — entry point: dispatches `rnnbench run|list|report|explore|import|cache`. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "report.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rnnbench COMMAND [options]\n"
            "\n"
            "Batch-1 RNN serving benchmark: latency, energy, power and area per platform.\n"
            "\n"
            "commands:\n"
            "  run       run a campaign (workloads x backends) and store it in an HDF5 file\n"
            "  list      list suites, workloads and backends (and whether each runs here)\n"
            "  report    summarise a results file: latency, TFLOPS, energy, speedups, paper comparison\n"
            "  explore   dump a backend's design space for one problem as CSV (spatial)\n"
            "  import    add published figures (a paper's or a vendor's table, CSV) to a results file as rows\n"
            "  cache     the output cache of references and functional outputs: info, clear\n"
            "\n"
            "`rnnbench COMMAND --help` describes each command.\n"
            "exit codes: 0 ok, 1 a job failed or timed out, 2 bad usage or input, 3 interrupted, 4 store error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return RB_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return rb_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "list") == 0)
        return rb_cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return rb_report_main(argc - 1, argv + 1);
    if (strcmp(cmd, "explore") == 0)
        return rb_cmd_explore(argc - 1, argv + 1);
    if (strcmp(cmd, "import") == 0)
        return rb_cmd_import(argc - 1, argv + 1);
    if (strcmp(cmd, "cache") == 0)
        return rb_cmd_cache(argc - 1, argv + 1);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return RB_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("rnnbench %s\n", RB_VERSION);
        return RB_EXIT_OK;
    }
    fprintf(stderr, "rnnbench: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return RB_EXIT_USAGE;
}
