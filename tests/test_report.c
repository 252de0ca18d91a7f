/* tests/test_report.c — `rnnbench report`: the report model on in-memory rows (latest row wins, baseline
 * choice, speedups, geomeans over common tasks and per batch size, area/power ratios, published columns, a
 * baseline without ok rows), the paper's claims (loading, a report over published rows only, our backends beside
 * them with hand-computed geomeans and ratios, batch-1 bounds on batch-1 rows), and rb_report_main end to end on
 * results files written with the store (table, CSV and JSON parse and round-trip every string whole; reasons once
 * per backend; CI and error columns; --output never replaces an HDF5 file; foreign/corrupt files exit 2).
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
#include "published.h"
#include "report_model.h"
#include "store.h"

#define TMP RB_TEST_TMPDIR
#define FIXTURE TMP "/report_fixture.h5"
#define PUB RB_SOURCE_DIR "/results/published"
#define CLAIMS PUB "/sysml19_claims.csv"

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
    ck_assert_uint_eq(r.groups[0].n_common, 2);
    int sp = col(&r, "spatial"), bw = col(&r, "brainwave");
    ck_assert_double_eq_tol(r.wl[0].cells[sp].speedup, 20.0, 1e-12);
    ck_assert_double_eq_tol(r.groups[0].sum[sp].speedup, sqrt(500.0), 1e-9);
    ck_assert_uint_eq(r.groups[0].sum[sp].n_common, 2);
    ck_assert_double_eq_tol(r.groups[0].sum[sp].speedup_pair, cbrt(20.0 * 8.0 * 25.0), 1e-9);
    ck_assert_uint_eq(r.groups[0].sum[sp].n_pair, 3);
    ck_assert_double_eq_tol(r.groups[0].sum[bw].speedup, sqrt(200.0), 1e-9);
    ck_assert_double_eq_tol(r.groups[0].sum[r.baseline].speedup, 1.0, 1e-12);
    /* perf/mm2 and perf/W: speedup x figure(baseline) / figure(backend) */
    ck_assert_double_eq_tol(r.groups[0].sum[sp].perf_area, sqrt(500.0) * 100.0 / 509.0, 1e-9);
    ck_assert_double_eq_tol(r.groups[0].sum[sp].perf_power, sqrt(500.0) * 50.0 / 151.0, 1e-9);
    ck_assert_str_eq(r.groups[0].sum[sp].area_sources, "datasheet/modeled");
    ck_assert(isnan(r.groups[0].sum[bw].perf_area)); /* brainwave's area is unavailable */
    ck_assert_uint_eq(r.groups[0].sum[bw].n_area, 0);
    ck_assert_double_eq_tol(r.groups[0].sum[bw].perf_power, sqrt(200.0) * 50.0 / 125.0, 1e-9);
    /* failed / unavailable rows have no figures */
    ck_assert(isnan(r.wl[1].cells[bw].speedup));
    ck_assert(isnan(r.wl[2].cells[sp].speedup));
    /* TFLOPS: the DeepBench figure is derived from flops / latency when the row lacks it */
    ck_assert_double_eq_tol(r.wl[0].cells[sp].tflops_deepbench, 2.0 * 4 * 256 * 256 * 150 / 0.5e-3 / 1e12, 1e-9);
    ck_assert_double_eq_tol(r.wl[0].cells[sp].tflops_full, 2.0 * r.wl[0].cells[sp].tflops_deepbench, 1e-9);
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
    ck_assert_double_eq_tol(r.groups[0].sum[cpu].speedup, 1.0 / sqrt(500.0), 1e-9);
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
    ck_assert_uint_eq(r.groups[0].n_common, 2); /* an all-unavailable backend does not empty the common set */
    int cu = col(&r, "cudnn");
    ck_assert_uint_eq(r.cols[cu].n_ok, 0);
    ck_assert(isnan(r.groups[0].sum[cu].speedup));
    rb_report_free(&r);
    ck_assert_int_eq(rb_report_build(NULL, 0, NULL, &r, err, sizeof err), 0); /* empty file: empty report */
    ck_assert_uint_eq(r.nwl, 0);
    rb_report_free(&r);
}
END_TEST

START_TEST(model_geomeans_per_batch_and_published_columns)
{
    /* batch 1: tasks 0, 3; batch 4: the same shapes at batch 4. cpu-blas 10/5 (b1), 40/20 (b4); spatial 0.5/0.2
     * (b1), 1/1 (b4); a published platform on one batch-1 task only (2 ms) must not shrink the common set. */
    rb_record rows[16];
    size_t n = 0;
    const double cpu[2][2] = {{10, 5}, {40, 20}}, sp[2][2] = {{0.5, 0.2}, {1, 1}};
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 2; k++) {
            int w = k ? 3 : 0;
            make_row(&rows[n], w, "cpu-blas", "ok", cpu[b][k]);
            rows[n++].batch = b ? 4 : 1;
            make_row(&rows[n], w, "spatial", "ok", sp[b][k]);
            rows[n++].batch = b ? 4 : 1;
        }
    make_row(&rows[n], 0, "gpu (paper)", "ok", 2.0);
    snprintf(rows[n].latency_source, sizeof rows[n].latency_source, "published");
    n++;
    rb_report r;
    char err[512];
    ck_assert_int_eq(rb_report_build(rows, n, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(r.ngroups, 2);
    ck_assert_int_eq(r.groups[0].batch, 1);
    ck_assert_int_eq(r.groups[1].batch, 4);
    int s = col(&r, "spatial"), g = col(&r, "gpu (paper)");
    ck_assert(r.cols[g].published && !r.cols[s].published);
    ck_assert_uint_eq(r.groups[0].n_common, 2); /* the published platform's missing task 3 does not count */
    ck_assert_double_eq_tol(r.groups[0].sum[s].speedup, sqrt(20.0 * 25.0), 1e-9);
    ck_assert_double_eq_tol(r.groups[1].sum[s].speedup, sqrt(40.0 * 20.0), 1e-9); /* never mixed with batch 1 */
    ck_assert_uint_eq(r.groups[1].sum[s].n_common, 2);
    ck_assert(isnan(r.groups[0].sum[g].speedup)); /* published: pairwise only */
    ck_assert_double_eq_tol(r.groups[0].sum[g].speedup_pair, 5.0, 1e-12);
    ck_assert_uint_eq(r.groups[1].sum[g].n_pair, 0);
    ck_assert_ptr_nonnull(rb_rep_find_group(&r, 4));
    ck_assert_ptr_null(rb_rep_find_group(&r, 2));
    rb_report_free(&r);
    /* a published platform as the baseline: speedups over it */
    ck_assert_int_eq(rb_report_build(rows, n, "gpu (paper)", &r, err, sizeof err), 0);
    s = col(&r, "spatial");
    ck_assert_double_eq_tol(r.wl[0].cells[s].speedup, 2.0 / 0.5, 1e-12);
    ck_assert_uint_eq(r.groups[0].n_common, 1); /* the baseline lacks task 3 */
    ck_assert_double_eq_tol(r.groups[0].sum[s].speedup, 4.0, 1e-12);
    rb_report_free(&r);
}
END_TEST

START_TEST(model_baseline_without_ok_rows_is_an_error)
{
    rb_record rows[24];
    size_t n = fixture_rows(rows, 0);
    for (int w = 0; w < 4; w++) make_row(&rows[n++], w, "cudnn", "unavailable", NAN);
    rb_report r;
    char err[512] = "";
    ck_assert_int_eq(rb_report_build(rows, n, "cudnn", &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "'cudnn' has no ok result"), "%s", err);
    /* an inaccurate row (over its error bound) is not ok: never a speedup, never in a geomean */
    snprintf(rows[0].status, sizeof rows[0].status, "inaccurate"); /* task 0's cpu-blas, the baseline */
    rows[0].max_rel_err = 2.0;
    ck_assert_int_eq(rb_report_build(rows, n, NULL, &r, err, sizeof err), 0);
    int sp = col(&r, "spatial");
    ck_assert(isnan(r.wl[0].cells[sp].speedup));
    ck_assert_uint_eq(r.groups[0].n_common, 1);
    ck_assert_double_eq_tol(r.groups[0].sum[sp].speedup, 25.0, 1e-12);
    rb_report_free(&r);
    /* without cpu-blas ok anywhere, the default baseline is the first column with ok rows */
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].backend, "cpu-blas") == 0) snprintf(rows[i].status, sizeof rows[i].status, "failed");
    ck_assert_int_eq(rb_report_build(rows, n, NULL, &r, err, sizeof err), 0);
    ck_assert_str_eq(r.cols[r.baseline].label, "brainwave");
    rb_report_free(&r);
}
END_TEST

/* ---- the paper's claims ---- */

START_TEST(claims_load_rejects_bad_lines)
{
    rb_claim *k;
    size_t n;
    char err[1024];
    ck_assert_msg(rb_claims_load(CLAIMS, &k, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_ge(n, 10);
    free(k);
    static const struct { const char *text, *expect; } bad[] = {
        {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\na,speedup_geomean,x,,2,x,1,all,c,\n",
         ":2: versus: metric speedup_geomean compares two platforms"},
        {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\na,speed,x,y,2,x,1,all,c,\n",
         ":2: metric: 'speed' is not one of"},
        {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\na,max_latency_ms,x,,-5,ms,1,all,c,\n",
         ":2: value: '-5' is not a positive decimal number"},
        {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\na,max_latency_ms,x,,5,ms,1,some,c,\n",
         ":2: scope: 'some' is not one of"},
        {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\na,max_latency_ms,x,,5,ms,b1,all,c,\n",
         ":2: batch: 'b1' is not a positive integer"},
        {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\na,max_latency_ms,x,,5,ms,1,all,,\n",
         ":2: citation: empty value"},
        {"claim,metric,subject,versus,value,unit,batch,scope,citation,note\na,max_power_w,x,,5,W,1,all,c,\n"
         "a,max_power_w,x,,5,W,1,all,c,\n",
         ":3: claim: 'a' is given twice"},
        {"claim,metric,subject,value,unit,batch,scope,citation,note\n", ":1: header: missing column 'versus'"},
    };
    const char *path = TMP "/report_bad_claims.csv";
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(path, "w");
        fputs(bad[i].text, f);
        fclose(f);
        ck_assert_int_eq(rb_claims_load(path, &k, &n, err, sizeof err), -1);
        ck_assert_msg(strstr(err, path) && strstr(err, bad[i].expect), "case %zu: %s", i, err);
    }
}
END_TEST

/* The paper's Table 6 as the shipped files give it. */
static const struct { const char *cell; int h, t; double xeon, v100, bw, pl, pl_w; } T6[11] = {
    {"lstm", 256, 150, 15.75, 1.69, 0.425, 0.0419, 28.5},  {"lstm", 512, 25, 11.5, 0.6, 0.077, NAN, NAN},
    {"lstm", 1024, 25, 107.65, 0.71, 0.074, 0.0292, 97.2}, {"lstm", 1536, 50, 411, 4.38, 0.145, NAN, NAN},
    {"lstm", 2048, 25, 429.36, 1.55, 0.074, NAN, NAN},     {"gru", 512, 1, 0.91, 0.39, 0.013, NAN, NAN},
    {"gru", 1024, 1500, 3810, 33.77, 3.792, 1.443, 109.1}, {"gru", 1536, 375, 2730, 13.12, 0.951, NAN, NAN},
    {"gru", 2048, 375, 5040, 17.7, 0.954, NAN, NAN},       {"gru", 2560, 375, 7590, 23.57, 0.993, NAN, NAN},
    {"gru", 2816, 750, 25850, 55.48, 1.987, NAN, NAN},
};

/* rows: the shipped sysml19 rows (platforms joined) + extra; *n in/out. */
static void shipped_rows(rb_record *rows, size_t *n)
{
    static const char *paths[2] = {PUB "/sysml19_platforms.csv", PUB "/sysml19_table6.csv"};
    rb_pub_set s;
    char err[1024];
    ck_assert_msg(rb_pub_load(paths, 2, &s, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(s.n, 36);
    for (size_t i = 0; i < s.n; i++) {
        rows[*n] = s.tasks[i].rec;
        rows[*n].run_id = 0;
        rows[*n].timestamp = 1.7e9;
        (*n)++;
    }
    rb_pub_free(&s);
}

static void build_paper(const rb_record *rows, size_t n, const char *baseline, rb_report *r, rb_paper *p)
{
    char err[1024];
    ck_assert_msg(rb_report_build(rows, n, baseline, r, err, sizeof err) == 0, "%s", err);
    rb_claim *k;
    size_t nk;
    ck_assert_msg(rb_claims_load(CLAIMS, &k, &nk, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(rb_paper_build(r, k, nk, CLAIMS, p), 0);
}

static const rb_paper_line *line_of(const rb_paper *p, const char *claim, const char *by)
{
    for (size_t i = 0; i < p->nlines; i++)
        if (strcmp(p->lines[i].claim->id, claim) == 0 && strcmp(p->lines[i].by, by) == 0) return &p->lines[i];
    return NULL;
}

static const rb_paper_line *must_line(const rb_paper *p, const char *claim, const char *by)
{
    const rb_paper_line *l = line_of(p, claim, by);
    ck_assert_msg(l != NULL, "no line %s / %s", claim, by);
    return l;
}

START_TEST(paper_over_published_rows_only)
{
    static rb_record rows[64];
    size_t n = 0;
    shipped_rows(rows, &n);
    rb_report r;
    rb_paper p;
    build_paper(rows, n, NULL, &r, &p);
    ck_assert_str_eq(r.cols[r.baseline].label, "brainwave (paper)"); /* no cpu-blas: first with ok rows */
    ck_assert_uint_eq(p.ntasks, 11);
    ck_assert_str_eq(p.missing, "");
    /* columns: plasticine ms+W, brainwave ms, v100 ms, xeon ms; the paper's own Plasticine speedups */
    ck_assert_uint_eq(p.ncols, 7);
    ck_assert_str_eq(p.cols[0].label, "plasticine (paper)");
    ck_assert_str_eq(p.cols[1].what, "W");
    ck_assert_str_eq(p.cols[5].what, "x");
    ck_assert_str_eq(p.cols[5].versus, "v100-tf-fp16 (paper)");
    double lg_v = 0, lg_b = 0, lg_wv = 0, lg_wb = 0, maxw = 0;
    for (int i = 0; i < 11; i++) {
        ck_assert_double_eq(rb_paper_cell(&r, &p, (size_t)i, 3, NULL), T6[i].v100);
        if (isnan(T6[i].pl)) {
            ck_assert(isnan(rb_paper_cell(&r, &p, (size_t)i, 5, NULL)));
            continue;
        }
        lg_v += log(T6[i].v100 / T6[i].pl);
        lg_b += log(T6[i].bw / T6[i].pl);
        lg_wv += log(T6[i].v100 / T6[i].pl * 300.0 / T6[i].pl_w);
        lg_wb += log(T6[i].bw / T6[i].pl * 125.0 / T6[i].pl_w);
        maxw = fmax(maxw, T6[i].pl_w);
    }
    const rb_paper_line *l = must_line(&p, "speedup_v100", "plasticine (paper)");
    ck_assert_double_eq_tol(l->value, exp(lg_v / 3), 1e-9);
    ck_assert_uint_eq(l->n, 3);
    ck_assert_str_eq(l->source, "published");
    ck_assert_double_eq_tol(l->rel_diff, (exp(lg_v / 3) - 29.8) / 29.8, 1e-9);
    ck_assert_ptr_null(line_of(&p, "speedup_v100", "spatial")); /* no spatial rows here */
    ck_assert_double_eq_tol(must_line(&p, "speedup_brainwave", "plasticine (paper)")->value, exp(lg_b / 3), 1e-9);
    l = must_line(&p, "area_v100", "plasticine (paper)");
    ck_assert_double_eq_tol(l->value, 815.0 / 494.37, 1e-12);
    ck_assert_ptr_nonnull(strstr(l->how, "v100-tf-fp16 (paper) 815 mm2 / plasticine (paper) 494.37 mm2"));
    ck_assert_double_eq_tol(must_line(&p, "power_v100_tdp", "plasticine (paper)")->value, 300.0 / 160.0, 1e-12);
    ck_assert_double_eq_tol(must_line(&p, "power_v100_peak", "plasticine (paper)")->value, 300.0 / maxw, 1e-12);
    ck_assert_double_eq_tol(must_line(&p, "perf_w_v100", "plasticine (paper)")->value, exp(lg_wv / 3), 1e-9);
    l = must_line(&p, "perf_w_brainwave", "plasticine (paper)");
    ck_assert_double_eq_tol(l->value, exp(lg_wb / 3), 1e-9);
    ck_assert(isnan(l->rel_diff)); /* the paper states no figure */
    ck_assert_msg(strstr(l->how, "brainwave (paper) 125 W (peak, published; its 148 W TDP is not used)"), "%s", l->how);
    l = must_line(&p, "bound_brainwave", "brainwave (paper)");
    ck_assert_double_eq(l->value, 3.792);
    ck_assert_int_eq(l->bound, 1);
    ck_assert_uint_eq(l->n, 11);
    ck_assert_int_eq(must_line(&p, "bound_plasticine", "plasticine (paper)")->bound, 1);
    ck_assert_double_eq(must_line(&p, "peak_power_plasticine", "plasticine (paper)")->value, maxw);
    rb_paper_free(&p);
    rb_report_free(&r);
    /* a file with no published rows: every platform missing, the claims listed without figures */
    rb_record mine[16];
    size_t m = fixture_rows(mine, 0);
    build_paper(mine, m, NULL, &r, &p);
    ck_assert_uint_eq(p.ntasks, 0);
    ck_assert_ptr_nonnull(strstr(p.missing, "'v100-tf-fp16 (paper)'"));
    ck_assert(isnan(must_line(&p, "speedup_v100", "plasticine (paper)")->value));
    rb_paper_free(&p);
    rb_report_free(&r);
}
END_TEST

/* Our spatial at half the paper's Brainwave latency, 100 W on every task, TDP 160 W in its extras; our brainwave at
 * 1.05x the paper's Brainwave; one spatial row inaccurate; a batch-4 brainwave row of 15.9 ms. */
static size_t paper_rows_with_ours(rb_record *rows)
{
    size_t n = 0;
    shipped_rows(rows, &n);
    for (int i = 0; i < 11; i++) {
        rb_record *s = &rows[n++];
        rb_record_init(s);
        snprintf(s->workload, sizeof s->workload, "%s-%d-t%d", T6[i].cell, T6[i].h, T6[i].t);
        snprintf(s->cell, sizeof s->cell, "%s", T6[i].cell);
        s->hidden = s->input = T6[i].h;
        s->batch = 1;
        s->timesteps = T6[i].t;
        snprintf(s->key, sizeof s->key, "s%015d", i);
        snprintf(s->status, sizeof s->status, "%s", i == 4 ? "inaccurate" : "ok");
        s->run_id = 1;
        s->timestamp = 1.8e9;
        rb_record b = *s;
        snprintf(s->backend, sizeof s->backend, "spatial");
        snprintf(s->latency_source, sizeof s->latency_source, "simulated");
        s->lat_median_ms = T6[i].bw / 2;
        s->power_w = 100;
        s->area_mm2 = 494.37;
        snprintf(s->power_source, sizeof s->power_source, "simulated");
        snprintf(s->area_source, sizeof s->area_source, "published");
        snprintf(s->extras, sizeof s->extras, "arch=sysml19;tdp_w=160");
        snprintf(b.backend, sizeof b.backend, "brainwave");
        snprintf(b.status, sizeof b.status, "ok");
        snprintf(b.key, sizeof b.key, "b%015d", i);
        snprintf(b.latency_source, sizeof b.latency_source, "modeled");
        b.lat_median_ms = T6[i].bw * 1.05;
        b.power_w = 125;
        snprintf(b.power_source, sizeof b.power_source, "published");
        snprintf(b.extras, sizeof b.extras, "tdp_w=148");
        rows[n++] = b;
        if (i == 10) {
            b.batch = 4;
            b.lat_median_ms = 15.9;
            snprintf(b.key, sizeof b.key, "b4%014d", i);
            rows[n++] = b;
        }
    }
    return n;
}

START_TEST(paper_with_our_backends)
{
    static rb_record rows[96];
    size_t n = paper_rows_with_ours(rows);
    rb_report r;
    rb_paper p;
    build_paper(rows, n, NULL, &r, &p);
    ck_assert_uint_eq(p.ntasks, 11); /* the batch-4 task is not a paper task */
    ck_assert_str_eq(p.cols[0].label, "spatial");
    ck_assert(p.cols[0].ours);
    ck_assert_str_eq(p.cols[1].label, "spatial");
    ck_assert_str_eq(p.cols[1].what, "W");
    ck_assert_str_eq(p.cols[2].label, "plasticine (paper)");
    ck_assert_str_eq(p.cols[4].label, "brainwave"); /* ours beside the paper's Brainwave */
    ck_assert_str_eq(p.cols[5].label, "brainwave (paper)");
    ck_assert_str_eq(p.cols[8].label, "spatial");
    ck_assert_str_eq(p.cols[8].what, "x");
    ck_assert_double_eq_tol(rb_paper_cell(&r, &p, 0, 0, NULL), 0.425 / 2, 1e-12);
    ck_assert_double_eq_tol(rb_paper_cell(&r, &p, 0, 8, NULL), 1.69 / (0.425 / 2), 1e-9);
    ck_assert(isnan(rb_paper_cell(&r, &p, 4, 8, NULL))); /* the inaccurate row is never a speedup */
    double lg_v = 0, lg_b = 0, lg_w = 0, maxlat = 0;
    for (int i = 0; i < 11; i++) {
        maxlat = fmax(maxlat, T6[i].bw * 1.05);
        if (i == 4) continue;
        lg_v += log(T6[i].v100 / (T6[i].bw / 2));
        lg_b += log(2.0);
        lg_w += log(T6[i].v100 / (T6[i].bw / 2) * 300.0 / 100.0);
    }
    const rb_paper_line *l = must_line(&p, "speedup_v100", "spatial");
    ck_assert(l->ours);
    ck_assert_uint_eq(l->n, 10);
    ck_assert_double_eq_tol(l->value, exp(lg_v / 10), 1e-9);
    ck_assert_str_eq(l->source, "simulated");
    ck_assert_double_eq_tol(must_line(&p, "speedup_brainwave", "spatial")->value, exp(lg_b / 10), 1e-9);
    ck_assert_double_eq_tol(must_line(&p, "area_v100", "spatial")->value, 815.0 / 494.37, 1e-12);
    l = must_line(&p, "power_v100_tdp", "spatial");
    ck_assert_double_eq_tol(l->value, 300.0 / 160.0, 1e-12); /* from the tdp_w extras of both */
    ck_assert_ptr_nonnull(strstr(l->how, "TDP v100-tf-fp16 (paper) 300 W / TDP spatial 160 W"));
    ck_assert_double_eq_tol(must_line(&p, "power_v100_peak", "spatial")->value, 3.0, 1e-12);
    ck_assert_double_eq_tol(must_line(&p, "perf_w_v100", "spatial")->value, exp(lg_w / 10), 1e-9);
    /* the 4 ms bound: our brainwave's batch-1 rows only (the 15.9 ms batch-4 row is another claim's business) */
    l = must_line(&p, "bound_brainwave", "brainwave");
    ck_assert_double_eq_tol(l->value, maxlat, 1e-12);
    ck_assert_uint_eq(l->n, 11);
    ck_assert_int_eq(l->bound, 1);
    ck_assert_ptr_nonnull(strstr(l->how, "bound < 4 ms met"));
    rb_paper_free(&p);
    rb_report_free(&r);
    /* and when it is over: NOT met */
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].backend, "brainwave") == 0 && rows[i].batch == 1 && rows[i].hidden == 1024)
            rows[i].lat_median_ms = 4.5;
    build_paper(rows, n, NULL, &r, &p);
    l = must_line(&p, "bound_brainwave", "brainwave");
    ck_assert_int_eq(l->bound, 0);
    ck_assert_ptr_nonnull(strstr(l->how, "NOT met"));
    rb_paper_free(&p);
    rb_report_free(&r);
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
    ck_assert_ptr_nonnull(strstr(t, "batch 1: 4 task(s), 2 common"));

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
                         "assert abs(float(g[0][\"value\"])-500**0.5)<1e-6 and g[0][\"batch\"]==\"1\", g\n"
                         "f=[r for r in d if r[\"status\"]==\"failed\"]\n"
                         "assert len(f)==1 and \"newline\" in f[0][\"note\"]\n"
                         "s={r[\"latency_source\"] for r in d if r[\"section\"]==\"task\"}\n"
                         "assert s<={\"measured\",\"simulated\",\"modeled\",\"published\",\"unavailable\"}, s\n",
                         csvp),
                     0);

    ck_assert_int_eq(run_report(FIXTURE, "--format=json", "--output", json), 0);
    ck_assert_int_eq(python_check("import json,sys\n"
                                  "j=json.load(open(sys.argv[1]))\n"
                                  "assert j[\"baseline\"]==\"cpu-blas\"\n"
                                  "assert len(j[\"geomeans\"])==1 and j[\"geomeans\"][0][\"batch\"]==1\n"
                                  "g={b[\"label\"]:b for b in j[\"geomeans\"][0][\"backends\"]}\n"
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

/* A results file holding the shipped published rows and our rows (paper_rows_with_ours), written with the store. */
static void write_paper_file(const char *path)
{
    static rb_record rows[96];
    size_t n = paper_rows_with_ours(rows);
    char err[512] = "";
    rb_store *s = rb_store_open(path, 1, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    ck_assert_int_ge(rb_store_begin_run(s, NULL, NULL, 0), 0);
    ck_assert_msg(rb_store_append(s, rows, n, NULL, NULL, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(rb_store_close(s), 0);
}

START_TEST(main_paper_section)
{
    const char *file = TMP "/report_paper.h5";
    write_paper_file(file);
    const char *json = TMP "/report_paper.json", *table = TMP "/report_paper.txt", *csvp = TMP "/report_paper.csv";
    ck_assert_int_eq(run_report(file, "--paper", "--format", "json", "--output", json), 0);
    ck_assert_int_eq(python_check("import json,sys\n"
                                  "p=json.load(open(sys.argv[1]))[\"paper\"]\n"
                                  "assert len(p[\"tasks\"])==11 and p[\"missing_platforms\"]==\"\", p\n"
                                  "c={(x[\"claim\"],x[\"by\"]):x for x in p[\"claims\"]}\n"
                                  "s=c[(\"speedup_v100\",\"spatial\")]\n"
                                  "assert s[\"ours\"] and s[\"n_tasks\"]==10 and s[\"paper_value\"]==29.8, s\n"
                                  "assert abs(s[\"rel_diff\"]-(s[\"value\"]-29.8)/29.8)<1e-9\n"
                                  "b=c[(\"bound_brainwave\",\"brainwave\")]\n"
                                  "assert b[\"bound_met\"] is True and b[\"n_tasks\"]==11, b\n"
                                  "a=c[(\"area_v100\",\"spatial\")]\n"
                                  "assert abs(a[\"value\"]-815/494.37)<1e-9, a\n",
                                  json),
                     0);
    ck_assert_int_eq(run_report(file, "--paper", "--format", "csv", "--output", csvp), 0);
    ck_assert_int_eq(python_check("import csv,sys\n"
                                  "d=list(csv.DictReader(open(sys.argv[1])))\n"
                                  "t=[r for r in d if r[\"section\"]==\"paper_task\"]\n"
                                  "assert len({r[\"workload\"] for r in t})==11\n"
                                  "x=[r for r in t if r[\"metric\"]==\"speedup\" and r[\"workload\"]==\"lstm-256-t150\""
                                  " and r[\"versus\"]==\"v100-tf-fp16 (paper)\"]\n"
                                  "assert abs(float(x[0][\"value\"])-1.69/(0.425/2))<1e-9, x\n"
                                  "k=[r for r in d if r[\"section\"]==\"paper_claim\"]\n"
                                  "assert {r[\"value_source\"] for r in k}<={\"\",\"simulated\",\"modeled\","
                                  "\"published\",\"measured\",\"mixed\"}, {r[\"value_source\"] for r in k}\n"
                                  "v=[r for r in k if r[\"claim\"]==\"speedup_v100\" and r[\"backend\"]==\"spatial\"]\n"
                                  "assert v[0][\"paper_value\"]==\"29.8\" and v[0][\"n_tasks\"]==\"10\", v\n"
                                  "assert \"Table 6\" in v[0][\"citation\"], v\n",
                                  csvp),
                     0);
    ck_assert_int_eq(run_report_to(table, file, "--paper"), 0);
    const char *t = slurp(table);
    ck_assert_ptr_nonnull(strstr(t, "Paper comparison"));
    ck_assert_ptr_nonnull(strstr(t, "speedup_v100 (plasticine (paper) vs v100-tf-fp16 (paper); speedup_geomean"));
    ck_assert_ptr_nonnull(strstr(t, "spatial (ours)"));
    ck_assert_ptr_nonnull(strstr(t, "its 148 W TDP is not used"));
    ck_assert_int_eq(run_report(file, "--paper-data", TMP "/no-such.csv"), 2);
    /* a published platform as the baseline */
    ck_assert_int_eq(run_report_to(table, file, "--baseline", "v100-tf-fp16 (paper)"), 0);
    ck_assert_ptr_nonnull(strstr(slurp(table), "baseline v100-tf-fp16 (paper)"));
}
END_TEST

/* Strings of a given length cycling through characters a CSV or JSON writer must quote or escape. */
static void pattern(char *out, size_t len)
{
    static const char pat[] = "ab,\"c\nd\\e;f=g ";
    for (size_t i = 0; i < len; i++) out[i] = pat[i % (sizeof pat - 1)];
    out[len] = '\0';
}
#define PATTERN_PY "p=lambda n:\"\".join(\"ab,\\\"c\\nd\\\\e;f=g \"[i%14] for i in range(n))\n"

START_TEST(main_csv_json_round_trip_whole_strings)
{
    rb_record rows[2];
    make_row(&rows[0], 0, "cpu-blas", "ok", 1.0);
    make_row(&rows[1], 0, "spatial", "failed", NAN);
    for (int i = 0; i < 2; i++) {
        pattern(rows[i].workload, sizeof rows[i].workload - 1);
        pattern(rows[i].options, sizeof rows[i].options - 1);
        pattern(rows[i].message, sizeof rows[i].message - 1);
        pattern(rows[i].device, sizeof rows[i].device - 1);
    }
    rows[1].workload[0] = 'Z'; /* names differ; the latest names the workload */
    rows[1].timestamp = rows[0].timestamp - 1;
    const char *file = TMP "/report_roundtrip.h5", *csvp = TMP "/report_roundtrip.csv",
               *json = TMP "/report_roundtrip.json";
    char err[512];
    rb_store *s = rb_store_open(file, 1, err, sizeof err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_ge(rb_store_begin_run(s, NULL, NULL, 0), 0);
    ck_assert_int_eq(rb_store_append(s, rows, 2, NULL, NULL, err, sizeof err), 0);
    ck_assert_int_eq(rb_store_close(s), 0);
    ck_assert_int_eq(run_report(file, "--format", "csv", "--output", csvp), 0);
    ck_assert_int_eq(python_check("import csv,sys\n" PATTERN_PY
                                  "d=[r for r in csv.DictReader(open(sys.argv[1],newline=\"\")) if "
                                  "r[\"section\"]==\"task\"]\n"
                                  "assert len(d)==2, d\n"
                                  "for r in d:\n"
                                  "  assert r[\"workload\"]==p(63), repr(r[\"workload\"])\n"
                                  "  assert r[\"options\"]==p(223), repr(r[\"options\"])\n"
                                  "  assert r[\"note\"]==p(255), len(r[\"note\"])\n",
                                  csvp),
                     0);
    ck_assert_int_eq(run_report(file, "--format", "json", "--output", json), 0);
    ck_assert_int_eq(python_check("import json,sys\n" PATTERN_PY
                                  "j=json.load(open(sys.argv[1]))\n"
                                  "w=j[\"workloads\"][0]\n"
                                  "assert w[\"name\"]==p(63)\n"
                                  "for x in w[\"results\"]:\n"
                                  "  assert x[\"options\"]==p(223) and x[\"message\"]==p(255) and x[\"device\"]==p(127), x\n"
                                  "assert {b[\"label\"] for b in j[\"backends\"]}=={\"cpu-blas[\"+p(223)+\"]\","
                                  "\"spatial[\"+p(223)+\"]\"}\n",
                                  json),
                     0);
}
END_TEST

static size_t count_in(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

START_TEST(main_reasons_once_ci_and_error_columns)
{
    rb_record rows[24];
    size_t n = fixture_rows(rows, 0);
    char reason[256];
    memset(reason, 'r', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    memcpy(reason, "no NVIDIA GPU found (no /dev/nvidia*)", 37);
    for (int w = 0; w < 4; w++) {
        make_row(&rows[n], w, "cudnn", "unavailable", NAN);
        snprintf(rows[n].message, sizeof rows[n].message, "%s", reason);
        n++;
    }
    /* cpu-blas on task 0: a CI of [9, 12] around 10 ms (+-20 %) that did not reach its target */
    rows[0].lat_ci95_lo_ms = 9;
    rows[0].lat_ci95_hi_ms = 12;
    rows[0].max_rel_err = 3.5e-7;
    snprintf(rows[0].extras, sizeof rows[0].extras, "ci_target_met=0");
    const char *file = TMP "/report_reasons.h5", *table = TMP "/report_reasons.txt", *csvp = TMP "/report_reasons.csv";
    char err[512];
    rb_store *s = rb_store_open(file, 1, err, sizeof err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_ge(rb_store_begin_run(s, NULL, NULL, 0), 0);
    ck_assert_int_eq(rb_store_append(s, rows, n, NULL, NULL, err, sizeof err), 0);
    ck_assert_int_eq(rb_store_close(s), 0);
    ck_assert_int_eq(run_report_to(table, file), 0);
    const char *t = slurp(table);
    ck_assert_uint_eq(count_in(t, reason), 1); /* whole, and once */
    ck_assert_ptr_nonnull(strstr(t, "cudnn: unavailable on 4 task(s): no NVIDIA GPU found"));
    ck_assert_ptr_nonnull(strstr(t, "+-20.0%!"));
    ck_assert_ptr_nonnull(strstr(t, "3.5e-07"));
    ck_assert_int_eq(run_report(file, "--format", "csv", "--output", csvp), 0);
    ck_assert_int_eq(python_check("import csv,sys\n"
                                  "d=[r for r in csv.DictReader(open(sys.argv[1])) if r[\"section\"]==\"task\"]\n"
                                  "c=[r for r in d if r[\"backend\"]==\"cpu-blas\" and r[\"workload\"]==\"lstm-h256-t150\"]\n"
                                  "assert c[0][\"ci_target_met\"]==\"0\" and c[0][\"latency_ci95_hi_ms\"]==\"12\", c\n"
                                  "assert float(c[0][\"max_rel_err\"])==3.5e-7, c\n",
                                  csvp),
                     0);
    ck_assert_int_eq(run_report(file, "--baseline", "cudnn"), 2);
}
END_TEST

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *copy = malloc(*len + 1);
    memcpy(copy, buf, *len);
    return copy;
}

START_TEST(main_output_never_replaces_hdf5)
{
    write_fixture(FIXTURE);
    size_t len, len2;
    char *before = read_all(FIXTURE, &len);
    ck_assert_int_eq(run_report(FIXTURE, "--output", FIXTURE), 2);
    char *after = read_all(FIXTURE, &len2);
    ck_assert(len == len2 && memcmp(before, after, len) == 0);
    free(after);
    /* another results file (any HDF5 file) is refused too */
    const char *other = TMP "/report_other.h5";
    write_fixture(other);
    char *o1 = read_all(other, &len);
    ck_assert_int_eq(run_report(FIXTURE, "--format", "csv", "--output", other), 2);
    char *o2 = read_all(other, &len2);
    ck_assert(len == len2 && memcmp(o1, o2, len) == 0);
    free(o1);
    free(o2);
    free(before);
    /* a text file is replaced as asked */
    const char *text = TMP "/report_out.txt";
    FILE *f = fopen(text, "w");
    fputs("old\n", f);
    fclose(f);
    ck_assert_int_eq(run_report(FIXTURE, "--output", text), 0);
    ck_assert_ptr_nonnull(strstr(slurp(text), "rnnbench report"));
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
    tcase_add_test(model, model_geomeans_per_batch_and_published_columns);
    tcase_add_test(model, model_baseline_without_ok_rows_is_an_error);
    tcase_add_test(model, claims_load_rejects_bad_lines);
    tcase_add_test(model, paper_over_published_rows_only);
    tcase_add_test(model, paper_with_our_backends);
    suite_add_tcase(s, model);
    TCase *cli = tcase_create("main");
    tcase_set_timeout(cli, 120);
    tcase_add_test(cli, main_table_csv_json);
    tcase_add_test(cli, main_paper_section);
    tcase_add_test(cli, main_csv_json_round_trip_whole_strings);
    tcase_add_test(cli, main_reasons_once_ci_and_error_columns);
    tcase_add_test(cli, main_output_never_replaces_hdf5);
    tcase_add_test(cli, main_bad_input_exits_2);
    suite_add_tcase(s, cli);
    return s;
}

int main(void)
{
    return rb_check_run_fork(report_suite(), CK_NOFORK); /* tests share the fixture file; run them in order */
}
