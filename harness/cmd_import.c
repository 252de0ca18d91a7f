/* harness/cmd_import.c — `rnnbench import`: published results (CSV files, results/published/README.md) into a
 * results file as ordinary rows with source "published". Everything is read and checked before the results file
 * is opened; rows already in the file with the same figures are skipped, so importing twice adds nothing. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "provenance.h"
#include "published.h"
#include "store.h"

#define RB_DEFAULT_OUTPUT "results/rnnbench.h5"

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: rnnbench import FILE.csv [FILE.csv ...] [--output FILE.h5] [--suite NAME | --workloads FILE]\n"
            "  Adds published figures (a paper's or a vendor's table) to a results file as ordinary rows: source\n"
            "  'published', the platform name as the backend, the citation in the row's extras and in\n"
            "  /backends/<platform>. `report` then treats them like any backend (--baseline, speedups, geomeans).\n"
            "  A file is either published rows (platform, cell, hidden, input, batch, timesteps, latency_ms,\n"
            "  citation, ...) or platform facts (platform, die_area_mm2, tdp_w, ..., citation): facts given in the\n"
            "  same import fill the area and power of that platform's rows. Format: results/published/README.md;\n"
            "  shipped files: %s.\n"
            "  --output FILE.h5   results file (default " RB_DEFAULT_OUTPUT "; created when missing)\n"
            "  --suite NAME       import only the rows of this suite's shapes (see `rnnbench list`)\n"
            "  --workloads FILE   import only the rows of the shapes in this workload file\n"
            "Rows whose key (shape and platform) is in the file with the same figures are skipped; changed figures\n"
            "are appended as a newer row (the report uses the latest). Exit status: 0 ok (also when nothing was new),\n"
            "2 bad usage or input (FILE:LINE: field: why; the results file is left untouched), 4 the results file\n"
            "could not be written.\n",
            rb_pub_default_dir());
}

typedef struct import_args {
    const char *output, *suite, *workloads;
    const char **files;
    size_t nfiles;
} import_args;

static int parse_import_args(int argc, char **argv, import_args *a, char *err, size_t errlen)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"suite", required_argument, 0, 's'},
                                         {"workloads", required_argument, 0, 'w'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->output = RB_DEFAULT_OUTPUT;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': a->output = optarg; break;
        case 's': a->suite = optarg; break;
        case 'w': a->workloads = optarg; break;
        case 'h': return 1;
        case ':': snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]); return -1;
        default: snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]); return -1;
        }
    }
    if (optind >= argc) {
        snprintf(err, errlen, "no CSV file given");
        return -1;
    }
    if (a->suite && a->workloads) {
        snprintf(err, errlen, "give --suite or --workloads, not both");
        return -1;
    }
    a->files = (const char **)(argv + optind);
    a->nfiles = (size_t)(argc - optind);
    return 0;
}

/* Names the platforms of the appended rows, for the summary line. */
static void platform_list(const rb_pub_set *s, const unsigned char *append, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < s->n && used < len; i++) {
        if (!append[i]) continue;
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = !(append[j] && strcmp(s->tasks[j].rec.backend, s->tasks[i].rec.backend) == 0);
        if (first) used += (size_t)snprintf(out + used, len - used, "%s'%s'", used ? ", " : "", s->tasks[i].rec.backend);
    }
}

/* Writes the planned rows in a new /runs entry. 0 or RB_EXIT_STORE. */
static int write_rows(const import_args *a, int argc, char **argv, rb_pub_set *set, const unsigned char *append,
                      size_t nappend, size_t updated)
{
    char err[1024];
    rb_store *st = rb_store_open(a->output, 0, err, sizeof err);
    if (!st) {
        fprintf(stderr, "rnnbench import: %s\n", err);
        return RB_EXIT_USAGE; /* not a results file, a directory, ...: nothing was written */
    }
    static rb_provenance prov; /* large */
    memset(&prov, 0, sizeof prov);
    rb_provenance_start(&prov, argc, argv);
    rb_prov_set(&prov, "command", "import");
    size_t used = 0;
    char files[RB_PROV_VAL];
    files[0] = '\0';
    for (size_t i = 0; i < a->nfiles && used < sizeof files; i++)
        used += (size_t)snprintf(files + used, sizeof files - used, "%s%s", i ? " " : "", a->files[i]);
    rb_prov_set(&prov, "published_files", "%s", files);
    rb_prov_set(&prov, "published_rows_imported", "%zu", nappend);
    rb_prov_set(&prov, "published_rows_updated", "%zu", updated);
    int rc = 0;
    if (rb_store_begin_run(st, prov.keys, prov.vals, prov.n) < 0) {
        fprintf(stderr, "rnnbench import: %s: cannot record the run's provenance\n", a->output);
        rc = RB_EXIT_STORE;
    } else if (rb_pub_write(st, set, append, err, sizeof err) != 0) {
        fprintf(stderr, "rnnbench import: %s\n", err);
        rc = RB_EXIT_STORE;
    } else {
        char now[64];
        rb_iso_time(now, sizeof now);
        rb_prov_set(&prov, "end_time", "%s", now);
        rb_store_run_attrs(st, prov.keys, prov.vals, prov.n);
    }
    if (rb_store_close(st) != 0 && rc == 0) {
        fprintf(stderr, "rnnbench import: %s: closing the results file failed\n", a->output);
        rc = RB_EXIT_STORE;
    }
    return rc;
}

int rb_cmd_import(int argc, char **argv)
{
    import_args a;
    char err[1024];
    int pr = parse_import_args(argc, argv, &a, err, sizeof err);
    if (pr == 1) {
        import_usage(stdout);
        return RB_EXIT_OK;
    }
    if (pr != 0) {
        fprintf(stderr, "rnnbench import: %s\n(see `rnnbench import --help`)\n", err);
        return RB_EXIT_USAGE;
    }
    rb_pub_set set;
    if (rb_pub_load(a.files, a.nfiles, &set, err, sizeof err) != 0) {
        fprintf(stderr, "rnnbench import: %s\n", err);
        return RB_EXIT_USAGE;
    }
    int rc = RB_EXIT_OK;
    rb_problem *probs = NULL;
    rb_record *existing = NULL;
    unsigned char *append = NULL;
    size_t np = 0, nexisting = 0;
    if (a.suite || a.workloads) {
        if (rb_load_problems(a.suite, a.workloads, NULL, &probs, &np, err, sizeof err) != 0) {
            fprintf(stderr, "rnnbench import: %s\n", err);
            rc = RB_EXIT_USAGE;
            goto out;
        }
        rb_pub_keep_shapes(&set, probs, np);
    }
    if (rb_pub_existing(a.output, &existing, &nexisting, err, sizeof err) != 0) {
        fprintf(stderr, "rnnbench import: %s\n", err);
        rc = RB_EXIT_USAGE;
        goto out;
    }
    append = calloc(set.n + 1, 1);
    if (!append) {
        fprintf(stderr, "rnnbench import: out of memory\n");
        rc = RB_EXIT_USAGE;
        goto out;
    }
    size_t updated = 0, nappend = rb_pub_plan(&set, existing, nexisting, append, &updated);
    if (nappend == 0) {
        printf("rnnbench import: nothing new: the %zu published row(s) are in %s already with the same figures "
               "(file unchanged)\n",
               set.n, a.output);
        goto out;
    }
    rc = write_rows(&a, argc, argv, &set, append, nappend, updated);
    if (rc == 0) {
        char plats[2048];
        platform_list(&set, append, plats, sizeof plats);
        printf("rnnbench import: %zu row(s) written to %s (%zu new, %zu with changed figures; %zu already there): "
               "%s\n",
               nappend, a.output, nappend - updated, updated, set.n - nappend, plats);
    }
out:
    free(append);
    free(existing);
    free(probs);
    rb_pub_free(&set);
    return rc;
}
