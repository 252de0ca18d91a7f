/* bench/store_bench.c — how fast rank 0 stores rows (issue 17 item 7: 100,000 modeled rows in under 1 s).
 * Appends N rows like a modeled campaign's (extras, no samples) and like a measured one's (10 samples each) through
 * rb_store_append in batches of B rows, min and median wall and CPU time over R repetitions; beside them, the same
 * rows written the version-1 way (one /samples/<key> dataset with the extras as attributes per row, reimplemented
 * here as the baseline). Prints figures; judges nothing.
 *   cmake --build BUILD --target store-bench && BUILD/bench/store-bench [N] [R] [DIR]   (default 100000 3 /tmp) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "record.h"
#include "store.h"

static double now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void make_row(rb_record *r, size_t i)
{
    rb_record_init(r);
    snprintf(r->key, sizeof r->key, "%016llx", 0x5000000000000000ULL + (unsigned long long)i);
    snprintf(r->workload, sizeof r->workload, "gru-h%zu-t%zu", 512 + i % 2048, 1 + i % 750);
    snprintf(r->cell, sizeof r->cell, "gru");
    r->hidden = (int32_t)(512 + i % 2048);
    r->input = r->hidden;
    r->batch = 1;
    r->timesteps = (int32_t)(1 + i % 750);
    snprintf(r->backend, sizeof r->backend, "brainwave");
    snprintf(r->status, sizeof r->status, "ok");
    snprintf(r->host, sizeof r->host, "node0");
    snprintf(r->latency_source, sizeof r->latency_source, "modeled");
    r->lat_median_ms = 0.01 * (double)(1 + i % 100);
    snprintf(r->extras, sizeof r->extras,
             "format=ms-fp8;tiles=%zu;mvm_cycles=%zu;mfu_cycles=120;step_cycles=383;clock_mhz=250;"
             "weights_mbit=12.5;fits_on_chip=1;rows_per_tile=400;lanes=40", 6 + i % 7, 10 + i % 100);
}

static double median(double *x, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

static double minimum(const double *x, int n)
{
    double m = x[0];
    for (int i = 1; i < n; i++)
        m = x[i] < m ? x[i] : m;
    return m;
}

/* One store run: N rows in batches of `batch`, `ns` samples per row. Wall and CPU seconds. */
static int run_store(const char *path, const rb_record *rows, size_t n, size_t batch, size_t ns, double *wall,
                     double *cpu)
{
    char err[512];
    unlink(path);
    double *x = malloc((ns ? ns : 1) * sizeof *x);
    const double **sp = malloc(batch * sizeof *sp);
    size_t *nn = malloc(batch * sizeof *nn);
    rb_record *buf = malloc(batch * sizeof *buf);
    for (size_t i = 0; i < ns; i++)
        x[i] = 1.0 + 0.01 * (double)i;
    for (size_t i = 0; i < batch; i++) {
        sp[i] = x;
        nn[i] = ns;
    }
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    rb_store *s = rb_store_open(path, 0, err, sizeof err);
    int rc = s ? 0 : -1;
    if (s)
        rb_store_begin_run(s, NULL, NULL, 0);
    for (size_t at = 0; rc == 0 && at < n; at += batch) {
        size_t k = n - at < batch ? n - at : batch;
        memcpy(buf, rows + at, k * sizeof *buf);
        rc = rb_store_append(s, buf, k, ns ? sp : NULL, ns ? nn : NULL, err, sizeof err);
    }
    if (s && rb_store_close(s) != 0)
        rc = -1;
    *wall = now(CLOCK_MONOTONIC) - w0;
    *cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (rc != 0)
        fprintf(stderr, "store-bench: %s\n", err);
    free(x);
    free(sp);
    free(nn);
    free(buf);
    unlink(path);
    return rc;
}

/* The version-1 cost per row, as store.c did it before: one dataset per row under /samples, extras as attributes,
 * rows appended with H5TB in batches, flush per batch. Only the per-row part differs from the table append, so
 * this writes the datasets and attributes alone (the table append is the same in both). */
static int run_v1_samples(const char *path, const rb_record *rows, size_t n, size_t batch, double *wall, double *cpu)
{
    unlink(path);
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t group = H5Gcreate2(file, "samples", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, H5T_VARIABLE);
    H5Tset_cset(str, H5T_CSET_UTF8);
    hid_t scalar = H5Screate(H5S_SCALAR);
    hsize_t zero[1] = {0};
    hid_t empty = H5Screate_simple(1, zero, NULL);
    for (size_t i = 0; i < n; i++) {
        hid_t d = H5Dcreate2(group, rows[i].key, H5T_IEEE_F64LE, empty, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        char extras[512];
        snprintf(extras, sizeof extras, "%s", rows[i].extras);
        char *save = NULL;
        for (char *kv = strtok_r(extras, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
            char *eq = strchr(kv, '=');
            if (!eq)
                continue;
            *eq = '\0';
            const char *v = eq + 1;
            hid_t a = H5Acreate2(d, kv, str, scalar, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(a, str, &v);
            H5Aclose(a);
        }
        H5Dclose(d);
        if ((i + 1) % batch == 0)
            H5Fflush(file, H5F_SCOPE_GLOBAL);
    }
    H5Sclose(empty);
    H5Sclose(scalar);
    H5Tclose(str);
    H5Gclose(group);
    int rc = H5Fclose(file) < 0 ? -1 : 0;
    *wall = now(CLOCK_MONOTONIC) - w0;
    *cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    unlink(path);
    return rc;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    const char *dir = argc > 3 ? argv[3] : "/tmp";
    if (n == 0 || reps < 1 || reps > 100) {
        fprintf(stderr, "usage: store-bench [ROWS] [REPS] [DIR]\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/store-bench-%ld.h5", dir, (long)getpid());
    rb_record *rows = malloc(n * sizeof *rows);
    if (!rows)
        return 1;
    for (size_t i = 0; i < n; i++)
        make_row(&rows[i], i);
    double load[3] = {NAN, NAN, NAN};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = NAN;
        fclose(la);
    }
    printf("store-bench: %zu rows (%zu bytes each), %d repetitions, file in %s, load average %.2f %.2f %.2f\n", n,
           sizeof(rb_record), reps, dir, load[0], load[1], load[2]);
    printf("%-44s %10s %10s %10s %10s %12s\n", "case", "wall min", "wall med", "cpu min", "cpu med", "rows/s (med)");
    struct { const char *name; size_t batch, samples; int v1; } cases[] = {
        {"modeled rows, batches of 8 (--batch-rows)", 8, 0, 0},
        {"modeled rows, batches of 256", 256, 0, 0},
        {"modeled rows, batches of 4096", 4096, 0, 0},
        {"measured rows (10 samples), batches of 8", 8, 10, 0},
        {"measured rows (10 samples), batches of 256", 256, 10, 0},
        {"version 1: one /samples/<key> per row, 8/flush", 8, 0, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double wall[100], cpu[100];
        size_t rows_here = cases[c].v1 && n > 20000 ? 20000 : n; /* the baseline is slow: fewer rows, same rate */
        int rc = 0;
        for (int r = 0; r < reps && rc == 0; r++)
            rc = cases[c].v1 ? run_v1_samples(path, rows, rows_here, cases[c].batch, &wall[r], &cpu[r])
                             : run_store(path, rows, rows_here, cases[c].batch, cases[c].samples, &wall[r], &cpu[r]);
        if (rc != 0) {
            printf("%-44s failed\n", cases[c].name);
            continue;
        }
        double wmin = minimum(wall, reps), cmin = minimum(cpu, reps);
        double wmed = median(wall, reps), cmed = median(cpu, reps);
        double scale = (double)n / (double)rows_here; /* times for N rows */
        printf("%-44s %9.3fs %9.3fs %9.3fs %9.3fs %12.0f%s\n", cases[c].name, wmin * scale, wmed * scale,
               cmin * scale, cmed * scale, (double)rows_here / wmed,
               rows_here != n ? "  (timed on 20000 rows, scaled)" : "");
    }
    free(rows);
    return 0;
}
