/* harness/report_main.c — `rnnbench report`: command-line parsing, reading the results file, and wiring the
 * model (report_model.c), the paper comparison (report_paper.c) and the writers (report_format.c). */
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_model.h"
#include "store.h"

static const char *default_paper_data(char *buf, size_t len);

static void usage(FILE *f)
{
    char def[1024];
    fprintf(f,
            "usage: rnnbench report FILE.h5 [--baseline BACKEND] [--format table|csv|json] [--paper]\n"
            "                       [--paper-data FILE] [--output FILE]\n"
            "Per workload: each backend's latency (median, p99), effective TFLOP/s (DeepBench and full FLOP\n"
            "conventions), energy per inference, power and area with their sources, speedup over the baseline\n"
            "(baseline latency / backend latency) and the area- and power-normalised ratios; geometric means\n"
            "over the tasks every compared backend completed.\n"
            "  --baseline NAME   backend (or label \"backend[options]\") to compare against\n"
            "                    (default: cpu-blas if present, else the first alphabetically)\n"
            "  --format FMT      table (default), csv or json\n"
            "  --paper           add the paper comparison: our figures beside PAPER.md's and DeepBench's\n"
            "  --paper-data FILE reference CSV for --paper (default: %s)\n"
            "  --output FILE     write to FILE instead of standard output\n"
            "Exit status: 0 ok, 2 bad usage or an unreadable / non-rnnbench file.\n",
            default_paper_data(def, sizeof def));
}

/* The reference CSV shipped in the source tree: a compile definition when the build gives one, else found
 * next to this source file (CMake compiles with absolute paths). */
static const char *default_paper_data(char *buf, size_t len)
{
#ifdef RB_PAPER_DATA
    snprintf(buf, len, "%s", RB_PAPER_DATA);
#else
    const char *me = __FILE__;
    const char *slash = strrchr(me, '/');
    if (me[0] == '/' && slash)
        snprintf(buf, len, "%.*s/../results/paper_reference.csv", (int)(slash - me), me);
    else
        snprintf(buf, len, "results/paper_reference.csv");
#endif
    return buf;
}

/* Strings read from a file are not trusted to be terminated. */
static void terminate_strings(rb_record *r)
{
#define RB_TERM(f) (r->f[sizeof r->f - 1] = '\0')
    RB_TERM(key); RB_TERM(workload); RB_TERM(cell); RB_TERM(backend); RB_TERM(options); RB_TERM(status);
    RB_TERM(message); RB_TERM(device); RB_TERM(host); RB_TERM(latency_source); RB_TERM(peak_source);
    RB_TERM(energy_source); RB_TERM(power_source); RB_TERM(area_source); RB_TERM(extras);
#undef RB_TERM
}

typedef struct {
    const char *file, *baseline, *paper_data, *output;
    rb_report_format fmt;
    int paper;
} report_args;

/* 0 ok, 1 --help printed, 2 bad usage (message printed). */
static int parse_args(int argc, char **argv, report_args *a)
{
    static const struct option opts[] = {
        {"baseline", required_argument, NULL, 'b'}, {"format", required_argument, NULL, 'f'},
        {"paper", no_argument, NULL, 'p'},          {"paper-data", required_argument, NULL, 'd'},
        {"output", required_argument, NULL, 'o'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    optind = 0; /* glibc: full re-initialisation, so the function can be called more than once */
    opterr = 1;
    int c;
    while ((c = getopt_long(argc, argv, "b:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': a->baseline = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") == 0) a->fmt = RB_FMT_TABLE;
            else if (strcmp(optarg, "csv") == 0) a->fmt = RB_FMT_CSV;
            else if (strcmp(optarg, "json") == 0) a->fmt = RB_FMT_JSON;
            else {
                fprintf(stderr, "report: --format: '%s' is not one of table, csv, json\n", optarg);
                return 2;
            }
            break;
        case 'p': a->paper = 1; break;
        case 'd': a->paper_data = optarg; a->paper = 1; break;
        case 'o': a->output = optarg; break;
        case 'h': usage(stdout); return 1;
        default: fprintf(stderr, "report: see 'rnnbench report --help'\n"); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "report: %s (see 'rnnbench report --help')\n",
                optind >= argc ? "missing results FILE.h5" : "exactly one results file expected");
        return 2;
    }
    a->file = argv[optind];
    return 0;
}

static int load_rows(const char *path, rb_record **rows, size_t *n)
{
    char err[512] = "";
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    fclose(probe);
    H5E_auto2_t old_fn;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_fn, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* our own message, not the library's error stack */
    int rc = rb_store_read(path, rows, n, err, sizeof err);
    H5Eset_auto2(H5E_DEFAULT, old_fn, old_data);
    if (rc != 0) {
        if (strncmp(err, path, strlen(path)) == 0)
            fprintf(stderr, "%s\n", err);
        else
            fprintf(stderr, "%s: %s\n", path, err[0] ? err : "not a readable rnnbench results file");
        return -1;
    }
    for (size_t i = 0; i < *n; i++) terminate_strings(&(*rows)[i]);
    return 0;
}

static int paper_section(const rb_report *rep, const report_args *a, rb_paper_cmp **cmp, size_t *ncmp)
{
    char defpath[1024], err[512];
    const char *path = a->paper_data ? a->paper_data : default_paper_data(defpath, sizeof defpath);
    rb_paper_ref *refs = NULL;
    size_t nrefs = 0;
    if (rb_paper_load(path, &refs, &nrefs, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    int rc = rb_paper_compare(rep, refs, nrefs, cmp, ncmp);
    free(refs);
    if (rc != 0) fprintf(stderr, "report: out of memory\n");
    return rc;
}

int rb_report_main(int argc, char **argv)
{
    report_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc == 1 ? 0 : 2;
    rb_record *rows = NULL;
    size_t n = 0;
    if (load_rows(a.file, &rows, &n) != 0) return 2;
    rb_report rep;
    char err[1024];
    if (rb_report_build(rows, n, a.baseline, &rep, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", a.file, err);
        free(rows);
        return 2;
    }
    free(rows);
    rb_paper_cmp *cmp = NULL;
    size_t ncmp = 0;
    rc = 0;
    if (a.paper && paper_section(&rep, &a, &cmp, &ncmp) != 0) rc = 2;
    FILE *out = stdout;
    if (rc == 0 && a.output && !(out = fopen(a.output, "w"))) {
        fprintf(stderr, "%s: %s\n", a.output, strerror(errno));
        rc = 2;
    }
    if (rc == 0) {
        rb_report_write(out, a.fmt, &rep, a.file, a.paper ? cmp : NULL, ncmp);
        if (fflush(out) != 0) rc = 2;
        if (out != stdout && fclose(out) != 0) rc = 2;
    }
    free(cmp);
    rb_report_free(&rep);
    return rc;
}
