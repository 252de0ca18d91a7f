/* harness/record.h — one row of the /results table: everything known about one job.
 * The struct is stored as-is as an HDF5 compound type (see store.c and results/SCHEMA.md), so every
 * field is fixed-size. Strings are NUL-terminated and NUL-padded. */
#ifndef RB_RECORD_H
#define RB_RECORD_H

#include <stdint.h>

#define RB_KEY_LEN 17 /* 16 hex digits + NUL */

typedef struct rb_record {
    char key[RB_KEY_LEN];  /* stable job key: FNV-1a 64 of the job's defining string */
    char workload[64];     /* problem name */
    char cell[8];          /* lstm | gru | vanilla */
    int32_t hidden, input, batch, timesteps;
    char backend[32];
    char options[224];     /* canonical "k=v,k=v" backend options, sorted */
    uint64_t seed;
    char status[12];       /* ok | failed | inaccurate | unavailable | timeout */
    char message[256];     /* reason for a non-ok status, or a note */
    char device[128];
    char host[64];
    int32_t rank;
    int32_t run_id;        /* index of the /runs entry that produced the row */
    double timestamp;      /* unix seconds when the job finished */
    int32_t reps;          /* timed repetitions (0 for simulated/modeled) */
    char latency_source[12];
    double lat_median_ms, lat_min_ms, lat_mean_ms, lat_stddev_ms;
    double lat_p5_ms, lat_p95_ms, lat_p99_ms;
    double lat_ci95_lo_ms, lat_ci95_hi_ms; /* 95% CI of the median */
    double flops_deepbench, flops_full;    /* per inference, both conventions */
    double gflops_deepbench, gflops_full;  /* effective GFLOP/s = flops / median latency */
    double peak_gflops;
    char peak_source[12];
    double utilisation;                    /* gflops_full / peak_gflops */
    double energy_j;
    char energy_source[12];
    double power_w;
    char power_source[12];
    double area_mm2;
    char area_source[12];
    double max_abs_err, max_rel_err;       /* vs the fp32 reference; rel = max|y-ref| / max|ref| */
    double error_bound;                    /* the backend's declared bound on max_rel_err for this job */
    char extras[512];                      /* backend extras "k=v;k=v" */
    uint64_t samples_offset;               /* this row's latency samples are /sample_values[offset, offset+count) */
    uint64_t samples_count;                /*   (set by the store when the row is appended) */
} rb_record;

/* Fill r with an empty record: strings empty, numbers NaN, sources "unavailable". */
void rb_record_init(rb_record *r);

#endif
