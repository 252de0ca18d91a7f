/* tests/store_write_example.c — writes a small, fully known results file (argv[1]) through the store API, for
 * tests/check_h5py_load.py to load with h5py/numpy/pandas and h5dump. The values here are mirrored there. */
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "store.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.h5\n", argv[0]);
        return 2;
    }
    char err[512];
    rb_store *s = rb_store_open(argv[1], 1, err, sizeof err);
    if (s == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const char *rk[] = {"command_line", "mpi_size"}, *rv[] = {"store_write_example", "1"};
    const char *bk[] = {"arch"}, *bv[] = {"example-arch"};
    if (rb_store_begin_run(s, rk, rv, 2) != 0 || rb_store_backend_config(s, "spatial", bk, bv, 1) != 0) {
        fprintf(stderr, "%s: cannot write provenance\n", argv[1]);
        rb_store_close(s);
        return 1;
    }
    rb_record rows[3];
    static const char *const statuses[3] = {"ok", "unavailable", "ok"};
    static const char *const backends[3] = {"cpu-blas", "cudnn", "spatial"};
    for (int i = 0; i < 3; i++) {
        rb_record_init(&rows[i]);
        snprintf(rows[i].key, sizeof rows[i].key, "%016x", 0xa1 + i);
        snprintf(rows[i].workload, sizeof rows[i].workload, "example-%d", i);
        snprintf(rows[i].cell, sizeof rows[i].cell, "lstm");
        rows[i].hidden = 256 * (i + 1);
        rows[i].input = 256 * (i + 1);
        rows[i].batch = 1;
        rows[i].timesteps = 25;
        snprintf(rows[i].backend, sizeof rows[i].backend, "%s", backends[i]);
        snprintf(rows[i].status, sizeof rows[i].status, "%s", statuses[i]);
        rows[i].lat_median_ms = 0.5 * (i + 1);
        snprintf(rows[i].latency_source, sizeof rows[i].latency_source, "%s", i == 2 ? "simulated" : "measured");
    }
    snprintf(rows[1].message, sizeof rows[1].message, "no GPU on this rank");
    snprintf(rows[2].extras, sizeof rows[2].extras, "par_h=4;pcus=64");
    const double s0[] = {0.5, 0.4, 0.6};
    const double *samples[] = {s0, NULL, NULL};
    const size_t ns[] = {3, 0, 0};
    int rc = rb_store_append(s, rows, 3, samples, ns, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    if (rb_store_close(s) != 0)
        rc = -1;
    return rc == 0 ? 0 : 1;
}
