/* bench/cpu_bench.c — the CPU benchmark of issue 16: cpu-blas (before: kernels=openblas; after: tuned), cpu-fused
 * (fp32, bf16, int8) and oneDNN's RNN primitive (fp32, u8s8) side by side in one process, interleaved (every rep
 * runs every peer once, in turn), at each thread count, on the paper suite and its batch-4 copies. Prints per task
 * and peer the median and min time per step, the ratios to cpu-blas before and to oneDNN fp32, the read bandwidth
 * measured at the size of U in each precision, the weight-streaming floor (U bytes per step / that bandwidth), the
 * output error against the fp32 reference, and the load average during the run. Not a test: nothing is judged.
 * `cpu ms/step` is the median process CPU time per step (all threads, spinning included): on a loaded machine it is
 * the steadier figure for 1-thread peers, whose wall time includes the time other processes held the core.
 *
 * Each thread count runs in its own child process (one after the other), so oneDNN's OpenMP team never has idle
 * threads spinning beside a 1-thread run. Long tasks run with fewer steps (T' <= T, so that one run streams about --stream-mb of fp32 U); every figure is
 * per step, and the T' used is printed beside T.
 *
 *   cpu-bench [--threads 1,2] [--reps 5] [--batches 1,4] [--stream-mb 1000] [--tasks SUBSTR] [--peers a,b,...]
 *             [--workloads FILE]   (instead of the paper suite; each line's batch is replaced by --batches)
 *   peers: blas-before blas fused-fp32 fused-bf16 fused-int8 onednn-fp32 onednn-u8s8 (default: all) */
#define _DEFAULT_SOURCE /* getloadavg */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "backend.h"
#include "cpu_bench_bw.h"
#include "cpu_isa.h"
#include "cpu_pool.h"
#include "onednn_peer.h"
#include "registry.h"

#define MAX_PEERS 32
#define MAX_REPS 101

typedef struct peer_kind {
    const char *name;
    const char *backend; /* NULL: oneDNN */
    const char *opts;    /* "k=v,k=v" */
    int int8;            /* oneDNN u8s8 */
    int bytes_per_weight;
} peer_kind;

static const peer_kind kinds[] = {
    {"blas-before", "cpu-blas", "kernels=openblas", 0, 4}, {"blas", "cpu-blas", "kernels=tuned", 0, 4},
    {"fused-fp32", "cpu-fused", "precision=fp32", 0, 4},   {"fused-bf16", "cpu-fused", "precision=bf16", 0, 2},
    {"fused-int8", "cpu-fused", "precision=int8", 0, 1},   {"onednn-fp32", NULL, NULL, 0, 4},
    {"onednn-u8s8", NULL, NULL, 1, 1},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

typedef struct peer {
    const peer_kind *k;
    int threads;
    const rb_backend *b;
    void *state;
    rb_onednn *dnn;
    double t[MAX_REPS], cpu[MAX_REPS];
    int n;
    double err, bound;
    char why[RB_MSG_MAX + 64];
} peer;

static double clock_s(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_REPS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static double minimum(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        m = v[i] < m ? v[i] : m;
    return m;
}

static const char *arg_str(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return def;
}

/* Is word in the comma-separated list (NULL list: everything)? */
static int in_list(const char *list, const char *word)
{
    if (!list)
        return 1;
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

static void make_options(const char *opts, int threads, rb_options *o)
{
    memset(o, 0, sizeof *o);
    for (const char *p = opts; p && *p;) {
        size_t len = strcspn(p, ","), eq = strcspn(p, "=");
        snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%.*s", (int)eq, p);
        snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%.*s", (int)(len - eq - 1), p + eq + 1);
        o->n++;
        p += len + (p[len] == ',');
    }
    snprintf(o->key[o->n], RB_OPT_KEY_MAX, "threads");
    snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%d", threads);
    o->n++;
}

static int peer_run(peer *q, const float *x, float *y)
{
    rb_status st = {{0}};
    if (q->b)
        return q->b->run(q->state, x, y, NULL, &st);
    return rb_onednn_run(q->dnn, x, y, q->threads);
}

static void peer_release(peer *q)
{
    if (q->b && q->state)
        q->b->release(q->state);
    rb_onednn_release(q->dnn);
    q->state = NULL;
    q->dnn = NULL;
}

static void load_note(double *lo, double *hi)
{
    double l[1];
    if (getloadavg(l, 1) == 1) {
        *lo = l[0] < *lo ? l[0] : *lo;
        *hi = l[0] > *hi ? l[0] : *hi;
    }
}

/* One pass at `thr` threads over every selected batch and task, peers interleaved within each task. */
static void run_pass(int thr, const char *batches, const char *task_filter, const char *peer_filter, int reps,
                     double stream_mb, rb_problem *suite, size_t nsuite, double *load_lo, double *load_hi)
{
    rb_onednn_threads(thr);
    for (int bi = 1; bi <= 64; bi *= 2) {
        char bword[16];
        snprintf(bword, sizeof bword, "%d", bi);
        if (!in_list(batches, bword))
            continue;
        for (size_t ti = 0; ti < nsuite; ti++) {
            rb_problem p = suite[ti];
            if (task_filter && !strstr(p.name, task_filter))
                continue;
            p.batch = bi;
            const double u_fp32 = (double)rb_cell_gates(p.cell) * p.hidden * p.hidden * 4;
            int Tfull = p.timesteps;
            int Tr = (int)(stream_mb * 1e6 / (u_fp32 * p.batch > 0 ? u_fp32 : 1));
            if (Tr < 4)
                Tr = 4;
            p.timesteps = Tfull < Tr ? Tfull : Tr;
            rb_problem_default_name(&p);
            rb_weights w;
            float *x = NULL, *ref = NULL, *y = NULL;
            if (rb_weights_init(&w, &p, 42) != 0 || !(x = rb_inputs_make(&p, 42)))
                exit(2);
            size_t len = rb_output_len(&p);
            ref = malloc(len * sizeof *ref);
            y = malloc(len * sizeof *y);
            if (!ref || !y || rb_reference_forward(&p, &w, x, ref) != 0)
                exit(2);

            static peer peers[MAX_PEERS];
            int np = 0;
            for (size_t k = 0; k < N_KINDS && np < MAX_PEERS; k++) {
                if (!in_list(peer_filter, kinds[k].name))
                    continue;
                peer *q = &peers[np++];
                memset(q, 0, sizeof *q);
                q->k = &kinds[k];
                q->threads = thr;
                q->err = NAN;
                q->bound = NAN;
                if (kinds[k].backend) {
                    q->b = rb_backend_find(kinds[k].backend);
                    rb_options o;
                    make_options(kinds[k].opts, thr, &o);
                    rb_status st = {{0}};
                    if (!q->b)
                        snprintf(q->why, sizeof q->why, "backend %s not built", kinds[k].backend);
                    else if (q->b->prepare(&p, &w, &o, &q->state, &st) != 0) {
                        snprintf(q->why, sizeof q->why, "%s", st.msg);
                        q->state = NULL;
                    } else
                        q->bound = rb_backend_error_bound(q->b, &p, &o);
                } else if (rb_onednn_prepare(&p, &w, kinds[k].int8, &q->dnn, q->why, sizeof q->why) != 0) {
                    q->dnn = NULL;
                }
                if ((q->state || q->dnn) && peer_run(q, x, y) == 0) { /* warm-up and output check */
                    double ae;
                    rb_compare(y, ref, len, &ae, &q->err);
                } else if (!q->why[0]) {
                    snprintf(q->why, sizeof q->why, "run failed");
                }
            }
            for (int r = 0; r < reps; r++)
                for (int i = 0; i < np; i++) {
                    peer *q = &peers[i];
                    if (q->why[0])
                        continue;
                    double a = clock_s(CLOCK_MONOTONIC), c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
                    if (peer_run(q, x, y) != 0) {
                        snprintf(q->why, sizeof q->why, "run failed");
                        continue;
                    }
                    q->cpu[q->n] = (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c) * 1e3 / p.timesteps;
                    q->t[q->n++] = (clock_s(CLOCK_MONOTONIC) - a) * 1e3 / p.timesteps;
                }
            load_note(load_lo, load_hi);
            double base = NAN, dnn = NAN, dnn8 = NAN;
            for (int j = 0; j < np; j++) {
                if (!peers[j].n)
                    continue;
                if (strcmp(peers[j].k->name, "blas-before") == 0)
                    base = median(peers[j].t, peers[j].n);
                if (strcmp(peers[j].k->name, "onednn-fp32") == 0)
                    dnn = median(peers[j].t, peers[j].n);
                if (strcmp(peers[j].k->name, "onednn-u8s8") == 0)
                    dnn8 = median(peers[j].t, peers[j].n);
            }
            /* floors: U at each precision over the bandwidth measured at that size and thread count */
            double bw_of[5] = {0};
            for (int i = 0; i < np; i++) {
                peer *q = &peers[i];
                char tcol[32];
                snprintf(tcol, sizeof tcol, "%d/%d", p.timesteps, Tfull);
                if (q->why[0]) {
                    printf("| %s | %d | %s | %d | %s | - | - | - | - | - | - | - | - | %s |\n", suite[ti].name, p.batch,
                           tcol, q->threads, q->k->name, q->why);
                    continue;
                }
                int bpw = q->k->bytes_per_weight;
                double ubytes = u_fp32 / 4 * bpw;
                if (bw_of[bpw] == 0)
                    bw_of[bpw] = rb_bench_read_bw((size_t)ubytes, q->threads, 3);
                double bw = bw_of[bpw];
                double floor_ms = bw > 0 ? ubytes / bw * 1e3 : NAN;
                double med = median(q->t, q->n), mn = minimum(q->t, q->n), cpu = median(q->cpu, q->n);
                double vs_floor = (q->threads == 1 ? cpu : med) / floor_ms; /* floor timed the same way */
                printf("| %s | %d | %s | %d | %s | %.4f | %.4f | %.4f | %.2f | %.2f | %.2f | %.4f (%.1f GB/s at %.2f MB) "
                       "| %.2f | %.2g (%.2g) |\n",
                       suite[ti].name, p.batch, tcol, q->threads, q->k->name, med, mn, cpu, base / med, dnn / med,
                       dnn8 / med, floor_ms, bw / 1e9, ubytes / 1e6, vs_floor, q->err, q->bound);
            }
            fflush(stdout);
            for (int i = 0; i < np; i++)
                peer_release(&peers[i]);
            free(x);
            free(ref);
            free(y);
            rb_weights_free(&w);
        }
    }
}

int main(int argc, char **argv)
{
    const char *threads_list = arg_str(argc, argv, "--threads", "1,2");
    const char *batches = arg_str(argc, argv, "--batches", "1,4");
    const char *task_filter = arg_str(argc, argv, "--tasks", NULL);
    const char *peer_filter = arg_str(argc, argv, "--peers", NULL);
    int reps = atoi(arg_str(argc, argv, "--reps", "5"));
    double stream_mb = atof(arg_str(argc, argv, "--stream-mb", "1000"));
    reps = reps < 1 ? 1 : reps > MAX_REPS ? MAX_REPS : reps;

    const char *wl = arg_str(argc, argv, "--workloads", NULL);
    rb_problem *suite = NULL;
    size_t nsuite = 0;
    char err[256];
    if (wl ? rb_workload_parse_file(wl, &suite, &nsuite, err, sizeof err) != 0
           : rb_suite_get("paper", &suite, &nsuite) != 0) {
        fprintf(stderr, "cpu-bench: %s\n", wl ? err : "no paper suite");
        return 2;
    }
    char model[96], flags[160];
    rb_cpu_model(model, sizeof model);
    rb_isa_flags(flags, sizeof flags);
    double load_lo = 1e9, load_hi = 0;
    load_note(&load_lo, &load_hi);
    printf("# cpu-bench: %s; flags: %s; %s%s\n", model, flags, rb_onednn_version(),
           rb_onednn_available() ? " (oneDNN peer not built)" : "");
    printf("# threads %s (one child process per thread count, so no idle OpenMP team spins beside a 1-thread run), "
           "batches %s, %d interleaved reps, T' streams <= %.0f MB of fp32 U per run; load average at start %.2f\n",
           threads_list, batches, reps, stream_mb, load_lo);
    printf("| task | B | T'/T | thr | peer | median ms/step | min ms/step | cpu ms/step | blas-before / this | "
           "onednn-fp32 / this | onednn-u8s8 / this | floor ms/step | x floor | max_rel_err (bound) |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);
    for (const char *tp = threads_list; *tp;) {
        int thr = atoi(tp);
        tp += strcspn(tp, ",");
        tp += *tp == ',';
        if (thr < 1)
            continue;
        pid_t child = fork();
        if (child == 0) {
            run_pass(thr, batches, task_filter, peer_filter, reps, stream_mb, suite, nsuite, &load_lo, &load_hi);
            fflush(stdout);
            _exit(0);
        }
        int status = 0;
        if (child < 0 || waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fprintf(stderr, "cpu-bench: the %d-thread pass failed\n", thr);
        load_note(&load_lo, &load_hi);
    }
    printf("# load average (1 min) at the start and after each pass: min %.2f, max %.2f on %d CPUs\n", load_lo,
           load_hi, rb_cpu_usable());
    free(suite);
    return 0;
}
