/* harness/report_main.c — `rnnbench report`: command-line parsing, reading the results file, and wiring the
 * model (report_model.c), the paper's claims (report_claims.c, report_paper.c) and the writers
 * (report_format.c). --output never replaces an HDF5 file or the results file itself. */
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "published.h"
#include "report_model.h"
#include "store.h"

static const char *default_claims(char *buf, size_t len);

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
            "  --paper           add the paper comparison: per task, our backends beside the published rows of\n"
            "                    the paper's platforms (imported by `rnnbench run` or `rnnbench import`), and\n"
            "                    every claim of the claims file checked on the rows it is about\n"
            "  --paper-data FILE the claims file for --paper (default: %s)\n"
            "  --output FILE     write to FILE instead of standard output (never an HDF5 file: refused)\n"
            "Published platforms (rows with source 'published') are columns like any backend: --baseline\n"
            "'v100-tf-fp16 (paper)' takes speedups over the paper's V100. Geomeans are per batch size.\n"
            "Exit status: 0 ok, 2 bad usage, an unreadable / non-rnnbench file, a baseline without ok rows, or an\n"
            "--output that is an HDF5 file.\n",
            default_claims(def, sizeof def));
}

/* The claims file shipped in the source tree (results/published). */
static const char *default_claims(char *buf, size_t len)
{
    snprintf(buf, len, "%s/sysml19_claims.csv", rb_pub_default_dir());
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

static int paper_section(const rb_report *rep, const report_args *a, rb_paper *paper, char *path, size_t len)
{
    char err[1024];
    if (a->paper_data)
        snprintf(path, len, "%s", a->paper_data);
    else
        default_claims(path, len);
    rb_claim *claims = NULL;
    size_t n = 0;
    if (rb_claims_load(path, &claims, &n, err, sizeof err) != 0) {
        fprintf(stderr, "report: %s\n", err);
        return -1;
    }
    if (rb_paper_build(rep, claims, n, path, paper) != 0) { /* takes the claims */
        fprintf(stderr, "report: out of memory\n");
        return -1;
    }
    return 0;
}

/* 1 when path holds an HDF5 file (the signature at offset 0, 512, 1024, ...: where a superblock may start). */
static int looks_like_hdf5(const char *path)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int found = 0;
    for (long off = 0; !found && off <= (1L << 20); off = off ? 2 * off : 512) {
        unsigned char b[8];
        if (fseek(f, off, SEEK_SET) != 0 || fread(b, 1, 8, f) != 8) break;
        found = memcmp(b, sig, 8) == 0;
    }
    fclose(f);
    return found;
}

/* --output must not replace the results file or any HDF5 file. 0 fine, -1 refused (message printed). */
static int check_output(const char *output, const char *input)
{
    struct stat so, si;
    if (stat(output, &so) != 0) return 0; /* a new file */
    if (stat(input, &si) == 0 && so.st_dev == si.st_dev && so.st_ino == si.st_ino) {
        fprintf(stderr, "report: --output %s: that is the results file being reported; refusing to overwrite it\n",
                output);
        return -1;
    }
    if (S_ISREG(so.st_mode) && looks_like_hdf5(output)) {
        fprintf(stderr, "report: --output %s: an HDF5 file (a results file?) is never overwritten by a report; "
                        "choose another name\n", output);
        return -1;
    }
    return 0;
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
    rb_paper paper;
    char claims_path[4096];
    memset(&paper, 0, sizeof paper);
    rc = 0;
    if (a.paper && paper_section(&rep, &a, &paper, claims_path, sizeof claims_path) != 0) rc = 2;
    FILE *out = stdout;
    if (rc == 0 && a.output && check_output(a.output, a.file) != 0) rc = 2;
    if (rc == 0 && a.output && !(out = fopen(a.output, "w"))) {
        fprintf(stderr, "%s: %s\n", a.output, strerror(errno));
        rc = 2;
    }
    if (rc == 0) {
        rb_report_write(out, a.fmt, &rep, a.file, a.paper ? &paper : NULL);
        if (fflush(out) != 0) rc = 2;
        if (out != stdout && fclose(out) != 0) rc = 2;
    }
    rb_paper_free(&paper);
    rb_report_free(&rep);
    return rc;
}
