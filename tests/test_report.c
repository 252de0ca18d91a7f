/* tests/test_report.c — `rnnbench report`: the report model on in-memory rows (latest row wins, baseline
 * choice, speedups, geomeans over common tasks, area/power ratios), and rb_report_main end to end on a small
 * results file written with the store (table, CSV and JSON parse; --paper; foreign/corrupt files exit 2).
 * Leaves RB_TEST_TMPDIR/report_fixture.h5 behind for the plot test (ctest fixture "report_results"). */
#include <check.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "record.h"
#include "report.h"
#include "report_model.h"
#include "store.h"

#define TMP RB_TEST_TMPDIR
#define FIXTURE TMP "/report_fixture.h5"
#define PAPER_CSV RB_SOURCE_DIR "/results/paper_reference.csv"
#define RB_STR2(x) #x
#define RB_STR(x) RB_STR2(x) /* a numeric macro as a string literal, for the Python checks */

/* ---- rows of the fixture: 4 workloads x 3 backends, one failed, one unavailable ---- */

typedef struct {
    const char *cell;
    int hidden, timesteps;
} shape;

static const shape SHAPES[4] = {{"lstm", 256, 150}, {"gru", 512, 1}, {"gru", 1024, 1500}, {"lstm", 512, 25}};

static void make_row(rb_record *r, int w, const char *backend, const char *status, double lat_ms)
{
    rb_record_init(r);
    const shape *s = &SHAPES[w];
    snprintf(r->workload, sizeof r->workload, "%s-h%d-t%d", s->cell, s->hidden, s->timesteps);
    snprintf(r->cell, sizeof r->cell, "%s", s->cell);
    r->hidden = r->input = s->hidden;
    r->batch = 1;
    r->timesteps = s->timesteps;
    snprintf(r->backend, sizeof r->backend, "%s", backend);
    snprintf(r->key, sizeof r->key, "%08x%08x", (unsigned)w * 7919u + 1u, (unsigned)(backend[0] + backend[1] * 31));
    snprintf(r->status, sizeof r->status, "%s", status);
    r->timestamp = 1.7e9 + w;
    int gates = strcmp(s->cell, "lstm") == 0 ? 4 : 3;
    r->flops_deepbench = 2.0 * gates * s->hidden * s->hidden * s->timesteps;
    r->flops_full = 2.0 * r->flops_deepbench;
    if (strcmp(status, "ok") != 0) {
        snprintf(r->message, sizeof r->message, "%s: \"quoted\", with comma\nand newline",
                 strcmp(status, "failed") == 0 ? "mismatch" : "no GPU");
        return;
    }
    r->lat_median_ms = lat_ms;
    r->lat_p99_ms = lat_ms * 1.1;
    snprintf(r->latency_source, sizeof r->latency_source, "%s",
             strcmp(backend, "cpu-blas") == 0 ? "measured" : "simulated");
    r->gflops_full = r->flops_full / (lat_ms * 1e-3) / 1e9; /* deepbench convention left NaN: derived */
    if (strcmp(backend, "cpu-blas") == 0) {
        r->area_mm2 = 100.0;
        snprintf(r->area_source, sizeof r->area_source, "datasheet");
        r->power_w = 50.0;
        snprintf(r->power_source, sizeof r->power_source, "datasheet");
    } else if (strcmp(backend, "spatial") == 0) {
        r->area_mm2 = 509.0;
        snprintf(r->area_source, sizeof r->area_source, "modeled");
        r->power_w = 151.0;
        snprintf(r->power_source, sizeof r->power_source, "modeled");
    } else { /* brainwave: power known, area unknown */
        r->power_w = 125.0;
        snprintf(r->power_source, sizeof r->power_source, "datasheet");
        r->peak_gflops = 48000.0;
        snprintf(r->peak_source, sizeof r->peak_source, "modeled");
    }
    r->energy_j = r->power_w * lat_ms * 1e-3;
    snprintf(r->energy_source, sizeof r->energy_source, "%s", r->power_source);
}

/* Latencies (ms). cpu-blas: 10, 2, 40, 5. spatial: 0.5, 0.25, unavailable, 0.2 (a first run had 1.0 on task 0).
 * brainwave: 1.0, failed, 4, 0.25. Common tasks (all three ok): 0 and 3.
 * spatial speedups 20 and 25 -> geomean sqrt(500); brainwave 10 and 20 -> sqrt(200). */
static size_t fixture_rows(rb_record *rows, int first_run)
{
    size_t n = 0;
    if (first_run) {
        make_row(&rows[n++], 0, "spatial", "ok", 1.0); /* superseded by the second run */
        make_row(&rows[n++], 0, "cpu-blas", "ok", 10.0);
        return n;
    }
    const double cpu[4] = {10, 2, 40, 5};
    for (int w = 0; w < 4; w++) {
        make_row(&rows[n++], w, "cpu-blas", "ok", cpu[w]);
        if (w == 2)
            make_row(&rows[n++], w, "spatial", "unavailable", NAN);
        else
            make_row(&rows[n++], w, "spatial", "ok", (const double[]){0.5, 0.25, 0, 0.2}[w]);
        if (w == 1)
            make_row(&rows[n++], w, "brainwave", "failed", NAN);
        else
            make_row(&rows[n++], w, "brainwave", "ok", (const double[]){1.0, 0, 4.0, 0.25}[w]);
    }
    return n;
}

static void write_fixture(const char *path)
{
    char err[512] = "";
    rb_store *s = rb_store_open(path, 1, err, sizeof err);
    ck_assert_msg(s != NULL, "rb_store_open: %s", err);
    rb_record rows[16];
    for (int run = 1; run >= 0; run--) {
        ck_assert_int_ge(rb_store_begin_run(s, NULL, NULL, 0), 0);
        size_t n = fixture_rows(rows, run);
        ck_assert_msg(rb_store_append(s, rows, n, NULL, NULL, err, sizeof err) == 0, "append: %s", err);
    }
    ck_assert_int_eq(rb_store_close(s), 0);
}

static int col(const rb_report *r, const char *name)
{
    int c = rb_rep_find_column(r, name);
    ck_assert_msg(c >= 0, "column %s", name);
    return c;
}

/* ---- the model on in-memory rows ---- */

START_TEST(model_latest_row_wins_and_geomeans)
{
    rb_record rows[20];
    size_t n = fixture_rows(rows, 1);
    for (size_t i = 0; i < n; i++) rows[i].run_id = 0;
    size_t m = fixture_rows(rows + n, 0);
    for (size_t i = n; i < n + m; i++) rows[i].run_id = 1;
    rb_report r;
    char err[256];
    ck_assert_int_eq(rb_report_build(rows, n + m, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.nrows, 12);
    ck_assert_uint_eq(r.n_superseded, 2);
    ck_assert_uint_eq(r.nwl, 4);
    ck_assert_uint_eq(r.ncols, 3);
    ck_assert_str_eq(r.cols[r.baseline].label, "cpu-blas");
    ck_assert_uint_eq(r.n_common, 2);
    int sp = col(&r, "spatial"), bw = col(&r, "brainwave");
    ck_assert_double_eq_tol(r.wl[0].cells[sp].speedup, 20.0, 1e-12);
    ck_assert_double_eq_tol(r.sum[sp].speedup, sqrt(500.0), 1e-9);
    ck_assert_uint_eq(r.sum[sp].n_common, 2);
    ck_assert_double_eq_tol(r.sum[sp].speedup_pair, cbrt(20.0 * 8.0 * 25.0), 1e-9);
    ck_assert_uint_eq(r.sum[sp].n_pair, 3);
    ck_assert_double_eq_tol(r.sum[bw].speedup, sqrt(200.0), 1e-9);
    ck_assert_double_eq_tol(r.sum[r.baseline].speedup, 1.0, 1e-12);
    /* perf/mm2 and perf/W: speedup x figure(baseline) / figure(backend) */
    ck_assert_double_eq_tol(r.sum[sp].perf_area, sqrt(500.0) * 100.0 / 509.0, 1e-9);
    ck_assert_double_eq_tol(r.sum[sp].perf_power, sqrt(500.0) * 50.0 / 151.0, 1e-9);
    ck_assert_str_eq(r.sum[sp].area_sources, "datasheet/modeled");
    ck_assert(isnan(r.sum[bw].perf_area)); /* brainwave's area is unavailable */
    ck_assert_uint_eq(r.sum[bw].n_area, 0);
    ck_assert_double_eq_tol(r.sum[bw].perf_power, sqrt(200.0) * 50.0 / 125.0, 1e-9);
    /* failed / unavailable rows have no figures */
    ck_assert(isnan(r.wl[1].cells[bw].speedup));
    ck_assert(isnan(r.wl[2].cells[sp].speedup));
    /* TFLOPS: the DeepBench figure is derived from flops / latency when the row lacks it */
    ck_assert_double_eq_tol(r.wl[0].cells[sp].tflops_deepbench, 2.0 * 4 * 256 * 256 * 150 / 0.5e-3 / 1e12, 1e-9);
    ck_assert_double_eq_tol(r.wl[0].cells[sp].tflops_full, 2.0 * r.wl[0].cells[sp].tflops_deepbench, 1e-9);
    /* pairwise helper used by the paper comparison */
    size_t k;
    ck_assert_double_eq_tol(rb_rep_geomean_latency_ratio(&r, (size_t)bw, (size_t)sp, &k), sqrt(2.0 * 1.25), 1e-9);
    ck_assert_uint_eq(k, 2);
    rb_report_free(&r);
}
END_TEST

START_TEST(model_baseline_choice)
{
    rb_record rows[16];
    size_t n = fixture_rows(rows, 0);
    rb_report r;
    char err[512];
    ck_assert_int_eq(rb_report_build(rows, n, "spatial", &r, err, sizeof err), 0);
    int sp = col(&r, "spatial"), cpu = col(&r, "cpu-blas");
    ck_assert_int_eq((int)r.baseline, sp);
    ck_assert_double_eq_tol(r.sum[cpu].speedup, 1.0 / sqrt(500.0), 1e-9);
    rb_report_free(&r);
    ck_assert_int_eq(rb_report_build(rows, n, "nosuch", &r, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "nosuch"));
    /* without cpu-blas the first backend alphabetically is the baseline */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].backend, "cpu-blas") != 0) rows[m++] = rows[i];
    ck_assert_int_eq(rb_report_build(rows, m, NULL, &r, err, sizeof err), 0);
    ck_assert_str_eq(r.cols[r.baseline].label, "brainwave");
    rb_report_free(&r);
    /* a backend with options is its own column, labelled backend[options] */
    for (size_t i = 0; i < m; i++)
        if (strcmp(rows[i].backend, "brainwave") == 0 && rows[i].cell[0] == 'l')
            snprintf(rows[i].options, sizeof rows[i].options, "precision=int8");
    ck_assert_int_eq(rb_report_build(rows, m, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.ncols, 3);
    int opt = rb_rep_find_column(&r, "brainwave[precision=int8]");
    ck_assert_int_ge(opt, 0);
    ck_assert_uint_eq(r.cols[opt].n_ok, 2);
    ck_assert_int_eq(opt, 1); /* sorted by label: brainwave, brainwave[precision=int8], spatial */
    ck_assert_int_eq(rb_rep_find_column(&r, "brainwave"), 0);
    rb_report_free(&r);
}
END_TEST

START_TEST(model_never_ok_backend_is_not_compared)
{
    rb_record rows[24];
    size_t n = fixture_rows(rows, 0);
    for (int w = 0; w < 4; w++) make_row(&rows[n++], w, "cudnn", "unavailable", NAN);
    rb_report r;
    char err[256];
    ck_assert_int_eq(rb_report_build(rows, n, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.n_common, 2); /* an all-unavailable backend does not empty the common set */
    int cu = col(&r, "cudnn");
    ck_assert_uint_eq(r.cols[cu].n_ok, 0);
    ck_assert(isnan(r.sum[cu].speedup));
    rb_report_free(&r);
    ck_assert_int_eq(rb_report_build(NULL, 0, NULL, &r, err, sizeof err), 0); /* empty file: empty report */
    ck_assert_uint_eq(r.nwl, 0);
    rb_report_free(&r);
}
END_TEST

START_TEST(paper_compare_with_gpu_rows)
{
    rb_record rows[24];
    size_t n = fixture_rows(rows, 0);
    const double gpu_ms[4] = {3.0, NAN, NAN, 1.0}; /* on tasks 0 (LSTM 256/150) and 3 (LSTM 512/25) */
    for (int w = 0; w < 4; w++) {
        if (isnan(gpu_ms[w])) continue;
        make_row(&rows[n], w, "cudnn", "ok", gpu_ms[w]);
        snprintf(rows[n].device, sizeof rows[n].device, "Test GPU");
        rows[n].area_mm2 = 815.0;
        snprintf(rows[n].area_source, sizeof rows[n].area_source, "datasheet");
        rows[n].power_w = 300.0;
        snprintf(rows[n].power_source, sizeof rows[n].power_source, "datasheet");
        n++;
    }
    rb_report r;
    char err[512];
    ck_assert_int_eq(rb_report_build(rows, n, NULL, &r, err, sizeof err), 0);
    rb_paper_ref *refs;
    size_t nrefs;
    ck_assert_msg(rb_paper_load(PAPER_CSV, &refs, &nrefs, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_ge(nrefs, 12);
    rb_paper_cmp *cmp;
    size_t ncmp;
    ck_assert_int_eq(rb_paper_compare(&r, refs, nrefs, &cmp, &ncmp), 0);
    int seen_speedup = 0, seen_area = 0, seen_power = 0, gpu_rows = 0;
    for (size_t i = 0; i < ncmp; i++) {
        const rb_paper_cmp *c = &cmp[i];
        if (strncmp(c->what, "speedup_geomean spatial over cudnn", 34) == 0) {
            ck_assert_double_eq_tol(c->ours, sqrt(6.0 * 5.0), 1e-9); /* 3/0.5 and 1/0.2 */
            ck_assert_double_eq_tol(c->theirs, 30.0, 1e-12);
            ck_assert_double_eq_tol(c->rel_diff, (sqrt(30.0) - 30.0) / 30.0, 1e-9);
            ck_assert_ptr_nonnull(strstr(c->ours_from, "Test GPU"));
            seen_speedup = 1;
        } else if (strncmp(c->what, "area_ratio spatial over cudnn", 29) == 0) {
            ck_assert_double_eq_tol(c->ours, 815.0 / 509.0, 1e-9);
            seen_area = 1;
        } else if (strncmp(c->what, "power_ratio spatial over cudnn", 30) == 0) {
            ck_assert_double_eq_tol(c->ours, 300.0 / 151.0, 1e-9);
            seen_power = 1;
        } else if (strncmp(c->what, "GPU latency", 11) == 0) {
            gpu_rows++;
            if (strcmp(c->what, "GPU latency lstm H512 B1 T25 vs TitanXp") == 0) {
                ck_assert_double_eq_tol(c->ours, 1.0, 1e-12);
                ck_assert_double_eq_tol(c->theirs, 1.258, 1e-12); /* DeepBench's published TitanXp figure */
            }
        }
    }
    ck_assert(seen_speedup && seen_area && seen_power);
    ck_assert_int_eq(gpu_rows, 6); /* two matching DeepBench shapes x three GPUs */
    free(cmp);
    free(refs);
    rb_report_free(&r);
}
END_TEST

/* Every fixture shape (batch 1) has a DeepBench TitanXp row in the reference CSV: LSTM 256/150 1.994 ms,
 * GRU 512/1 0.053 ms, GRU 1024/1500 59.258 ms, LSTM 512/25 1.258 ms. spatial is ok on tasks 0, 1, 3
 * (0.5, 0.25, 0.2 ms), brainwave on tasks 0, 2, 3 (1.0, 4.0, 0.25 ms). */
#define STANDIN_SPATIAL 1.745476014558635   /* cbrt(1.994/0.5 * 0.053/0.25 * 1.258/0.2) */
#define STANDIN_BRAINWAVE 5.297255593705853 /* cbrt(1.994/1.0 * 59.258/4.0 * 1.258/0.25) */

START_TEST(paper_standin_titanxp_geomean)
{
    rb_record rows[24];
    size_t n = fixture_rows(rows, 0); /* no GPU backend rows, as on a machine without a GPU */
    rb_report r;
    char err[512];
    ck_assert_int_eq(rb_report_build(rows, n, NULL, &r, err, sizeof err), 0);
    rb_paper_ref *refs;
    size_t nrefs;
    ck_assert_msg(rb_paper_load(PAPER_CSV, &refs, &nrefs, err, sizeof err) == 0, "%s", err);
    rb_paper_cmp *cmp;
    size_t ncmp;
    ck_assert_int_eq(rb_paper_compare(&r, refs, nrefs, &cmp, &ncmp), 0);
    int seen = 0;
    for (size_t i = 0; i < ncmp; i++) {
        const rb_paper_cmp *c = &cmp[i];
        if (strcmp(c->what, "STAND-IN speedup_geomean spatial over TitanXp") == 0) {
            ck_assert_double_eq_tol(c->ours, STANDIN_SPATIAL, 1e-12);
            ck_assert_double_eq_tol(c->theirs, 30.0, 1e-12); /* the paper's V100 headline */
            ck_assert_double_eq_tol(c->rel_diff, (STANDIN_SPATIAL - 30.0) / 30.0, 1e-12);
            ck_assert_str_eq(c->ours_from, "3 task(s) vs DeepBench TitanXp B1");
            ck_assert_str_eq(c->ours_source, "simulated");
            ck_assert_ptr_nonnull(strstr(c->note, "not a reproduction"));
            ck_assert_ptr_nonnull(strstr(c->note, "V100"));
            ck_assert_int_eq(i, 1); /* right after the V100 headline row */
            seen |= 1;
        } else if (strcmp(c->what, "STAND-IN speedup_geomean brainwave over TitanXp") == 0) {
            ck_assert_double_eq_tol(c->ours, STANDIN_BRAINWAVE, 1e-12);
            ck_assert_double_eq_tol(c->theirs, 15.0, 1e-12); /* 30x / 2x, derived */
            ck_assert_ptr_nonnull(strstr(c->provenance, "[D]"));
            ck_assert_str_eq(c->ours_from, "3 task(s) vs DeepBench TitanXp B1");
            seen |= 2;
        } else if (strncmp(c->what, "speedup_geomean spatial over cudnn", 34) == 0) {
            ck_assert(isnan(c->ours)); /* the existing headline row is unchanged: no GPU rows */
            seen |= 4;
        }
    }
    ck_assert_int_eq(seen, 7);
    free(cmp);
    /* a batch-2 task is not matched against the batch-1 figure; a task without a TitanXp row is skipped */
    for (size_t i = 0; i < n; i++) rows[i].batch = 2;
    rb_report_free(&r);
    ck_assert_int_eq(rb_report_build(rows, n, NULL, &r, err, sizeof err), 0);
    ck_assert_int_eq(rb_paper_compare(&r, refs, nrefs, &cmp, &ncmp), 0);
    ck_assert(isnan(cmp[1].ours) && strstr(cmp[1].what, "STAND-IN") != NULL);
    ck_assert_str_eq(cmp[1].ours_from, "0 task(s) vs DeepBench TitanXp B1");
    free(cmp);
    free(refs);
    rb_report_free(&r);
}
END_TEST

START_TEST(paper_load_rejects_bad_csv)
{
    const char *path = TMP "/report_bad_ref.csv";
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("# comment\nkind,metric,value\nheadline,speedup_geomean,thirty\n", f);
    fclose(f);
    rb_paper_ref *refs;
    size_t n;
    char err[256];
    ck_assert_int_eq(rb_paper_load(path, &refs, &n, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, ":3:")); /* FILE:LINE */
    f = fopen(path, "w");
    fputs("kind,metric,value,note\nheadline,x,\"1.5\",\"quoted, with \"\"comma\"\"\"\n", f);
    fclose(f);
    ck_assert_int_eq(rb_paper_load(path, &refs, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq_tol(refs[0].value, 1.5, 1e-12);
    ck_assert_str_eq(refs[0].note, "quoted, with \"comma\"");
    free(refs);
}
END_TEST

/* ---- end to end through the store and rb_report_main ---- */

/* args: NULL-terminated list of the arguments after "report". */
static int run_report_argv(const char *const *args)
{
    char *argv[16];
    int n = 0;
    argv[n++] = "report";
    while (*args && n < 15) argv[n++] = (char *)*args++;
    argv[n] = NULL;
    return rb_report_main(n, argv);
}
#define run_report(...) run_report_argv((const char *[]){__VA_ARGS__, NULL})

/* Runs the report with stdout redirected into path. */
static int run_report_to_argv(const char *path, const char *const *args)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    int rc = run_report_argv(args);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    return rc;
}

#define run_report_to(path, ...) run_report_to_argv(path, (const char *[]){__VA_ARGS__, NULL})

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 18];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int python_check(const char *script, const char *arg)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c '%s' '%s'", script, arg);
    return system(cmd);
}

START_TEST(main_table_csv_json)
{
    write_fixture(FIXTURE);
    const char *table = TMP "/report_table.txt", *csvp = TMP "/report.csv", *json = TMP "/report.json";
    ck_assert_int_eq(run_report_to(table, FIXTURE), 0);
    const char *t = slurp(table);
    ck_assert_ptr_nonnull(strstr(t, "baseline cpu-blas"));
    ck_assert_ptr_nonnull(strstr(t, "lstm-h256-t150"));
    ck_assert_ptr_nonnull(strstr(t, "superseded"));
    ck_assert_ptr_nonnull(strstr(t, "22.36")); /* sqrt(500): the common-task geomean of spatial */

    ck_assert_int_eq(run_report(FIXTURE, "--format", "csv", "--output", csvp), 0);
    ck_assert_int_eq(python_check(
                         "import csv,sys\n"
                         "rows=list(csv.reader(open(sys.argv[1])))\n"
                         "h=rows[0]; assert h[0]==\"section\", h\n"
                         "assert all(len(r)==len(h) for r in rows), [len(r) for r in rows]\n"
                         "d=[dict(zip(h,r)) for r in rows[1:]]\n"
                         "assert sum(r[\"section\"]==\"task\" for r in d)==12\n"
                         "g=[r for r in d if r[\"section\"]==\"geomean\" and r[\"backend\"]==\"spatial\" and "
                         "r[\"metric\"]==\"speedup_geomean_common\"]\n"
                         "assert abs(float(g[0][\"value\"])-500**0.5)<1e-6, g\n"
                         "f=[r for r in d if r[\"status\"]==\"failed\"]\n"
                         "assert len(f)==1 and \"newline\" in f[0][\"note\"]\n",
                         csvp),
                     0);

    ck_assert_int_eq(run_report(FIXTURE, "--format=json", "--output", json), 0);
    ck_assert_int_eq(python_check("import json,sys\n"
                                  "j=json.load(open(sys.argv[1]))\n"
                                  "assert j[\"baseline\"]==\"cpu-blas\"\n"
                                  "g={b[\"label\"]:b for b in j[\"geomean\"][\"backends\"]}\n"
                                  "assert abs(g[\"spatial\"][\"speedup\"]-500**0.5)<1e-6\n"
                                  "assert g[\"brainwave\"][\"perf_per_mm2_ratio\"] is None\n"
                                  "assert len(j[\"workloads\"])==4\n"
                                  "r=[x for w in j[\"workloads\"] for x in w[\"results\"]]\n"
                                  "assert len(r)==12\n"
                                  "assert any(x[\"status\"]==\"unavailable\" and x[\"latency_median_ms\"] is None "
                                  "for x in r)\n",
                                  json),
                     0);
}
END_TEST

START_TEST(main_paper_section)
{
    write_fixture(FIXTURE);
    const char *json = TMP "/report_paper.json", *table = TMP "/report_paper.txt";
    ck_assert_int_eq(run_report(FIXTURE, "--paper-data", PAPER_CSV, "--format", "json", "--output",
                                                 json),
                     0);
    /* our brainwave LSTM 256/150 is 1.0 ms against the recalled 0.425 ms; spatial vs brainwave geomean is
     * sqrt(2 * 1.25); the GPU headline has no GPU rows here, so ours is null */
    ck_assert_int_eq(python_check("import json,sys\n"
                                  "p=json.load(open(sys.argv[1]))[\"paper\"]\n"
                                  "f={x[\"figure\"]:x for x in p}\n"
                                  "x=f[\"brainwave latency_ms lstm H256 B1 T150\"]\n"
                                  "assert x[\"ours\"]==1.0 and x[\"paper\"]==0.425, x\n"
                                  "assert abs(x[\"rel_diff\"]-(1-0.425)/0.425)<1e-9\n"
                                  "s=[v for k,v in f.items() if k.startswith(\"speedup_geomean spatial over brainwave\")]\n"
                                  "assert abs(s[0][\"ours\"]-2.5**0.5)<1e-9 and s[0][\"paper\"]==2, s\n"
                                  "v=[v for k,v in f.items() if k.startswith(\"speedup_geomean spatial over cudnn\")]\n"
                                  "assert v[0][\"ours\"] is None and v[0][\"paper\"]==30, v\n"
                                  "assert f[\"brainwave power_w\"][\"ours\"]==125\n"
                                  "m=f[\"brainwave max_latency_ms\"]\n"
                                  "assert m[\"ours\"]==4 and \"bound NOT met\" in m[\"note\"], m\n"
                                  "s=f[\"STAND-IN speedup_geomean spatial over TitanXp\"]\n"
                                  "assert abs(s[\"ours\"]-" RB_STR(STANDIN_SPATIAL) ")<1e-9 and s[\"paper\"]==30, s\n"
                                  "assert abs(s[\"rel_diff\"]-(s[\"ours\"]-30)/30)<1e-12, s\n"
                                  "assert \"not a reproduction\" in s[\"note\"], s\n"
                                  "b=f[\"STAND-IN speedup_geomean brainwave over TitanXp\"]\n"
                                  "assert abs(b[\"ours\"]-" RB_STR(STANDIN_BRAINWAVE) ")<1e-9 and b[\"paper\"]==15, b\n",
                                  json),
                     0);
    const char *csvp = TMP "/report_paper.csv";
    ck_assert_int_eq(run_report(FIXTURE, "--paper", "--format", "csv", "--output", csvp), 0);
    ck_assert_int_eq(python_check("import csv,sys\n"
                                  "d=list(csv.DictReader(open(sys.argv[1])))\n"
                                  "s=[r for r in d if r[\"section\"]==\"paper\" and "
                                  "r[\"metric\"].startswith(\"STAND-IN\")]\n"
                                  "assert len(s)==2, s\n"
                                  "assert abs(float(s[0][\"value\"])-" RB_STR(STANDIN_SPATIAL) ")<1e-6, s\n"
                                  "assert float(s[0][\"reference\"])==30 and \"TitanXp\" in s[0][\"backend\"], s\n"
                                  "assert abs(float(s[1][\"value\"])-" RB_STR(STANDIN_BRAINWAVE) ")<1e-6, s\n",
                                  csvp),
                     0);
    ck_assert_int_eq(run_report_to(table, FIXTURE, "--paper"), 0);
    const char *t = slurp(table);
    ck_assert_ptr_nonnull(strstr(t, "Paper comparison"));
    const char *line = strstr(t, "STAND-IN speedup_geomean spatial over TitanXp");
    ck_assert_ptr_nonnull(line);
    ck_assert_ptr_nonnull(strstr(line, "1.745")); /* %.4g of the geomean */
    ck_assert_ptr_nonnull(strstr(line, "-94.2%")); /* (1.745 - 30) / 30 */
    ck_assert_ptr_nonnull(strstr(line, "not a reproduction"));
    ck_assert_int_eq(run_report(FIXTURE, "--paper-data", TMP "/no-such.csv"), 2);
}
END_TEST

START_TEST(main_bad_input_exits_2)
{
    write_fixture(FIXTURE);
    /* a text file */
    const char *text = TMP "/report_not_hdf5.h5";
    FILE *f = fopen(text, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is not HDF5\n", f);
    fclose(f);
    ck_assert_int_eq(run_report(text), 2);
    /* an HDF5 file that is not an rnnbench results file */
    const char *foreign = TMP "/report_foreign.h5";
    hid_t h = H5Fcreate(foreign, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(h, 0);
    hid_t g = H5Gcreate2(h, "/results", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(g);
    H5Fclose(h);
    ck_assert_int_eq(run_report(foreign), 2);
    /* a truncated copy of a real results file */
    const char *cut = TMP "/report_truncated.h5";
    FILE *in = fopen(FIXTURE, "rb"), *out = fopen(cut, "wb");
    ck_assert(in && out);
    char buf[1500];
    size_t n = fread(buf, 1, sizeof buf, in);
    fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    ck_assert_int_eq(run_report(cut), 2);
    /* missing file, bad usage */
    ck_assert_int_eq(run_report(TMP "/report_missing.h5"), 2);
    ck_assert_int_eq(run_report_argv((const char *[]){NULL}), 2);
    ck_assert_int_eq(run_report(FIXTURE, "--format", "xml"), 2);
    ck_assert_int_eq(run_report(FIXTURE, "--baseline", "nosuch"), 2);
    ck_assert_int_eq(run_report(FIXTURE, FIXTURE), 2);
    ck_assert_int_eq(run_report(FIXTURE, "--bogus"), 2);
    ck_assert_int_eq(run_report_to(TMP "/report_help.txt", "--help"), 0);
    ck_assert_ptr_nonnull(strstr(slurp(TMP "/report_help.txt"), "usage: rnnbench report"));
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *model = tcase_create("model");
    tcase_add_test(model, model_latest_row_wins_and_geomeans);
    tcase_add_test(model, model_baseline_choice);
    tcase_add_test(model, model_never_ok_backend_is_not_compared);
    tcase_add_test(model, paper_compare_with_gpu_rows);
    tcase_add_test(model, paper_standin_titanxp_geomean);
    tcase_add_test(model, paper_load_rejects_bad_csv);
    suite_add_tcase(s, model);
    TCase *cli = tcase_create("main");
    tcase_add_test(cli, main_table_csv_json);
    tcase_add_test(cli, main_paper_section);
    tcase_add_test(cli, main_bad_input_exits_2);
    suite_add_tcase(s, cli);
    return s;
}

int main(void)
{
    return rb_check_run_fork(report_suite(), CK_NOFORK); /* tests share the fixture file; run them in order */
}
