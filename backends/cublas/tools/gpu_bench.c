/* backends/cublas/tools/gpu_bench.c — `gpu-bench`: a stand-alone runner of the GPU backends over a suite, for a machine
 * that has CUDA but not MPI/HDF5 (the harness, `rnnbench run --backends cublas,cudnn`, is the full path; this is what
 * scripts/gpu-check runs). For each task it makes the weights (seed 42) and inputs (seed 7) once, computes the fp32
 * reference in a second thread while the GPU configurations run, and per configuration prints and (with --csv) writes
 * the median and p99 of the CUDA-event latencies, max_rel_err against the reference with the backend's declared bound,
 * and the NVML energy per inference and average power over the backend's >= 1 s window. --dump DIR writes each task's
 * weights, inputs and reference as raw float32 (DIR/tasks.txt, DIR/bounds.txt, DIR/<task>/{meta.txt,W,U,bw,bu,x,ref}
 * .f32) for an independent peer (tools/torch_peer.py) to run the same problem. Without a GPU every row is
 * `unavailable` with the reason and the reference/dump work still runs (a dry run).
 * Usage: gpu-bench [--suite NAME] [--tasks N] [--reps N] [--check] [--config BACKEND:k=v,k=v ...] [--csv FILE]
 *                  [--dump DIR] [--deadline S] [--opt backend.key=value ...] */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "backend.h"
#include "problem.h"

extern const rb_backend rb_backend_cublas;
extern const rb_backend rb_backend_cudnn;

#define MAX_CFG 32

typedef struct bench_cfg {
    const rb_backend *b;
    char opts[RB_OPT_VAL_MAX]; /* "k=v,k=v" */
} bench_cfg;

typedef struct bench_out {
    const char *status; /* ok, failed, unavailable, skipped */
    double median_ms, p99_ms, min_ms, energy_j, power_w, max_rel, bound;
    int reps;
    float *y; /* output of the last timed run (ok rows) */
    char device[128];
    char note[512];
} bench_out;

typedef struct ref_job {
    const rb_problem *p;
    const rb_weights *w;
    const float *x;
    float *ref;
    int rc;
} ref_job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Parses "k=v,k=v" into o, then applies --opt backend.key=value overrides for this backend. */
static void make_opts(rb_options *o, const char *spec, const char *backend, char **extra, int n_extra)
{
    char buf[RB_OPT_VAL_MAX];
    memset(o, 0, sizeof *o);
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t && o->n < RB_OPT_MAX; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq)
            continue;
        *eq = 0;
        snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", t);
        snprintf(o->val[o->n++], RB_OPT_VAL_MAX, "%s", eq + 1);
    }
    size_t bl = strlen(backend);
    for (int i = 0; i < n_extra; i++) {
        if (strncmp(extra[i], backend, bl) || extra[i][bl] != '.')
            continue;
        const char *kv = extra[i] + bl + 1, *eq = strchr(kv, '=');
        if (!eq)
            continue;
        int slot = o->n;
        for (int k = 0; k < o->n; k++)
            if (strlen(o->key[k]) == (size_t)(eq - kv) && !strncmp(o->key[k], kv, (size_t)(eq - kv)))
                slot = k;
        if (slot == RB_OPT_MAX)
            continue;
        snprintf(o->key[slot], RB_OPT_KEY_MAX, "%.*s", (int)(eq - kv), kv);
        snprintf(o->val[slot], RB_OPT_VAL_MAX, "%s", eq + 1);
        if (slot == o->n)
            o->n++;
    }
}

/* The options as "k=v,k=v" in the order given. */
static void opts_string(const rb_options *o, char *out, size_t len)
{
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < o->n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s=%s", i ? "," : "", o->key[i], o->val[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Percentile q of sorted xs, linear interpolation between closest ranks (harness/stats.c's "type 7"). */
static double percentile(const double *xs, int n, double q)
{
    double pos = (n - 1) * q;
    int lo = (int)pos, hi = lo + 1 < n ? lo + 1 : n - 1;
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

static const char *extra_of(const rb_metrics *m, const char *key)
{
    for (int i = 0; i < m->n_extras; i++)
        if (!strcmp(m->extra_key[i], key))
            return m->extra_val[i];
    return NULL;
}

/* One (task, configuration): prepare, one warm-up run, reps timed runs, report (the energy window). */
static void bench_one(const bench_cfg *c, const rb_problem *p, const rb_weights *w, const float *x, int reps,
                      char **extra, int n_extra, bench_out *out)
{
    rb_options o;
    rb_status st = {{0}};
    void *state = NULL;
    make_opts(&o, c->opts, c->b->name, extra, n_extra);
    out->bound = rb_backend_error_bound(c->b, p, &o);
    out->status = "failed";
    double *ms = calloc((size_t)reps, sizeof *ms);
    size_t ny = rb_output_len(p);
    out->y = malloc(ny * sizeof *out->y);
    if (!ms || !out->y) {
        snprintf(out->note, sizeof out->note, "out of memory");
        goto done;
    }
    if (rb_options_check(c->b, &o, &st) != 0 || c->b->prepare(p, w, &o, &state, &st) != 0 ||
        c->b->run(state, x, out->y, &ms[0], &st) != 0) { /* + warm-up */
        snprintf(out->note, sizeof out->note, "%s", st.msg);
        goto done;
    }
    for (int r = 0; r < reps; r++)
        if (c->b->run(state, x, out->y, &ms[r], &st) != 0) {
            snprintf(out->note, sizeof out->note, "%s", st.msg);
            goto done;
        }
    qsort(ms, (size_t)reps, sizeof *ms, cmp_double);
    out->median_ms = percentile(ms, reps, 0.5);
    out->p99_ms = percentile(ms, reps, 0.99);
    out->min_ms = ms[0];
    out->reps = reps;
    rb_metrics m;
    rb_metrics_init(&m);
    if (c->b->report(state, x, &m, &st) != 0) {
        snprintf(out->note, sizeof out->note, "report: %s", st.msg);
        goto done;
    }
    out->energy_j = m.energy_j;
    out->power_w = m.power_w;
    snprintf(out->device, sizeof out->device, "%s", m.device);
    const char *math = extra_of(&m, "math"), *energy = extra_of(&m, "energy"), *kern = extra_of(&m, "recurrent_kernel");
    int used = 0;
    if (math)
        used += snprintf(out->note + used, sizeof out->note - (size_t)used, "math %.80s; ", math);
    if (kern)
        used += snprintf(out->note + used, sizeof out->note - (size_t)used, "recurrent %.40s; ", kern);
    if (energy)
        snprintf(out->note + used, sizeof out->note - (size_t)used, "energy: %.200s", energy);
    out->status = "ok";
done:
    if (state)
        c->b->release(state);
    free(ms);
}

static void *ref_thread(void *arg)
{
    ref_job *j = arg;
    j->rc = rb_reference_forward(j->p, j->w, j->x, j->ref);
    return NULL;
}

/* Writes a CSV field, quoted when it holds a comma, quote or line break. */
static void csv_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('"', f);
}

static void csv_num(FILE *f, double v, const char *fmt)
{
    fputc(',', f);
    if (!isnan(v))
        fprintf(f, fmt, v);
}

#define CSV_HEADER                                                                                                 \
    "task,cell,hidden,input,batch,timesteps,backend,options,status,median_ms,p99_ms,min_ms,reps,max_rel_err,"        \
    "error_bound,within_bound,energy_j,power_w,device,note\n"

static void csv_row(FILE *f, const rb_problem *p, const bench_cfg *c, const char *opts, const bench_out *o)
{
    if (!f)
        return;
    fprintf(f, "%s,%s,%d,%d,%d,%d,%s,", p->name, rb_cell_name(p->cell), p->hidden, p->input, p->batch, p->timesteps,
            c->b->name);
    csv_text(f, opts);
    fprintf(f, ",%s", o->status);
    int ok = !strcmp(o->status, "ok");
    csv_num(f, ok ? o->median_ms : NAN, "%.6g");
    csv_num(f, ok ? o->p99_ms : NAN, "%.6g");
    csv_num(f, ok ? o->min_ms : NAN, "%.6g");
    fputc(',', f);
    if (ok)
        fprintf(f, "%d", o->reps);
    csv_num(f, ok ? o->max_rel : NAN, "%.4g");
    csv_num(f, o->bound, "%.4g");
    fputc(',', f);
    if (ok && !isnan(o->max_rel))
        fprintf(f, "%d", o->max_rel <= o->bound);
    csv_num(f, ok ? o->energy_j : NAN, "%.6g");
    csv_num(f, ok ? o->power_w : NAN, "%.4g");
    fputc(',', f);
    csv_text(f, o->device);
    fputc(',', f);
    csv_text(f, o->note);
    fputc('\n', f);
    fflush(f);
}

/* out = dir/name; -1 when it does not fit. */
static int join_path(char *out, size_t len, const char *dir, const char *name)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

static int write_f32(const char *dir, const char *name, const float *v, size_t n)
{
    char path[1024];
    if (join_path(path, sizeof path, dir, name) != 0)
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = fwrite(v, sizeof *v, n, f);
    return fclose(f) == 0 && put == n ? 0 : -1;
}

/* DIR/<task>/: meta.txt and the raw float32 arrays (little-endian on the x86/ARM machines this runs on). */
static int dump_task(const char *dump, const rb_problem *p, const rb_weights *w, const float *x, const float *ref)
{
    char dir[1024];
    if (join_path(dir, sizeof dir, dump, p->name) != 0 || (mkdir(dir, 0777) != 0 && errno != EEXIST))
        return -1;
    size_t gh = (size_t)w->gates * p->hidden;
    if (write_f32(dir, "W.f32", w->W, gh * p->input) || write_f32(dir, "U.f32", w->U, gh * p->hidden) ||
        write_f32(dir, "bw.f32", w->bw, gh) || write_f32(dir, "bu.f32", w->bu, gh) ||
        write_f32(dir, "x.f32", x, (size_t)p->timesteps * p->batch * p->input) ||
        (ref && write_f32(dir, "ref.f32", ref, rb_output_len(p))))
        return -1;
    char path[1100];
    FILE *f = join_path(path, sizeof path, dir, "meta.txt") == 0 ? fopen(path, "w") : NULL;
    if (!f)
        return -1;
    fprintf(f, "# written by gpu-bench --dump: rnnbench weights (seed 42), inputs (seed 7), fp32 reference output\n"
               "name=%s\ncell=%s\nhidden=%d\ninput=%d\nbatch=%d\ntimesteps=%d\ngates=%d\nreference=%s\n",
            p->name, rb_cell_name(p->cell), p->hidden, p->input, p->batch, p->timesteps, w->gates,
            ref ? "ref.f32" : "none");
    return fclose(f) == 0 ? 0 : -1;
}

/* DIR/bounds.txt: the GPU backends' declared error bound per precision (the peer uses the same ones). */
static void dump_bounds(const char *dump, const rb_problem *p)
{
    char path[1024];
    FILE *f = join_path(path, sizeof path, dump, "bounds.txt") == 0 ? fopen(path, "w") : NULL;
    if (!f)
        return;
    static const char *const precs[] = {"fp32", "tf32", "fp16"};
    for (int i = 0; i < 3; i++) {
        rb_options o;
        memset(&o, 0, sizeof o);
        snprintf(o.key[0], RB_OPT_KEY_MAX, "precision");
        snprintf(o.val[0], RB_OPT_VAL_MAX, "%s", precs[i]);
        o.n = 1;
        fprintf(f, "%s=%.6g\n", precs[i], rb_backend_error_bound(&rb_backend_cudnn, p, &o));
    }
    fclose(f);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: gpu-bench [--suite NAME] [--tasks N] [--reps N] [--check] [--config BACKEND:k=v,k=v ...]\n"
                 "                 [--csv FILE] [--dump DIR] [--deadline S] [--opt backend.key=value ...]\n"
                 "  default configurations: cublas:precision=fp32, cudnn:input=full,precision=fp32,\n"
                 "  cudnn:input=skip,precision=fp32. --tasks N: the first N tasks of the suite (0 = all).\n"
                 "  --deadline S: no (task, configuration) starts after S seconds; the rest are written `skipped`.\n");
}

int main(int argc, char **argv)
{
    const char *suite = "paper", *csv_path = NULL, *dump = NULL;
    int reps = 20, check = 0, n_extra = 0, n_cfg = 0, tasks = 0;
    double deadline = 0;
    bench_cfg cfgs[MAX_CFG];
    char **extra = calloc((size_t)argc, sizeof *extra);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--suite") && v)
            suite = argv[++i];
        else if (!strcmp(a, "--reps") && v)
            reps = atoi(argv[++i]);
        else if (!strcmp(a, "--tasks") && v)
            tasks = atoi(argv[++i]);
        else if (!strcmp(a, "--deadline") && v)
            deadline = atof(argv[++i]);
        else if (!strcmp(a, "--csv") && v)
            csv_path = argv[++i];
        else if (!strcmp(a, "--dump") && v)
            dump = argv[++i];
        else if (!strcmp(a, "--check"))
            check = 1;
        else if (!strcmp(a, "--opt") && v)
            extra[n_extra++] = argv[++i];
        else if (!strcmp(a, "--config") && v && n_cfg < MAX_CFG) {
            const char *spec = argv[++i], *colon = strchr(spec, ':');
            size_t bl = colon ? (size_t)(colon - spec) : strlen(spec);
            const rb_backend *b = !strncmp(spec, "cublas", bl) && bl == 6 ? &rb_backend_cublas
                                  : !strncmp(spec, "cudnn", bl) && bl == 5 ? &rb_backend_cudnn
                                                                           : NULL;
            if (!b) {
                fprintf(stderr, "gpu-bench: --config %s: backend must be cublas or cudnn\n", spec);
                free(extra);
                return 2;
            }
            cfgs[n_cfg].b = b;
            snprintf(cfgs[n_cfg++].opts, RB_OPT_VAL_MAX, "%s", colon ? colon + 1 : "");
        } else {
            usage(!strcmp(a, "--help") ? stdout : stderr);
            free(extra);
            return !strcmp(a, "--help") ? 0 : 2;
        }
    }
    if (n_cfg == 0) {
        cfgs[0] = (bench_cfg){&rb_backend_cublas, "precision=fp32"};
        cfgs[1] = (bench_cfg){&rb_backend_cudnn, "input=full,precision=fp32"};
        cfgs[2] = (bench_cfg){&rb_backend_cudnn, "input=skip,precision=fp32"};
        n_cfg = 3;
    }
    rb_problem *ps = NULL;
    size_t n = 0;
    if (reps < 1 || tasks < 0 || rb_suite_get(suite, &ps, &n) != 0) {
        fprintf(stderr, "gpu-bench: bad --reps/--tasks or unknown suite '%s'\n", suite);
        free(extra);
        return 2;
    }
    if (tasks > 0 && (size_t)tasks < n)
        n = (size_t)tasks;
    FILE *csv = NULL;
    if (csv_path && !(csv = fopen(csv_path, "w"))) {
        fprintf(stderr, "gpu-bench: %s: %s\n", csv_path, strerror(errno));
        free(ps);
        free(extra);
        return 2;
    }
    if (csv)
        fputs(CSV_HEADER, csv);
    FILE *listing = NULL;
    if (dump) {
        char path[1024];
        errno = ENAMETOOLONG;
        if (join_path(path, sizeof path, dump, "tasks.txt") != 0 || (mkdir(dump, 0777) != 0 && errno != EEXIST) ||
            !(listing = fopen(path, "w"))) {
            fprintf(stderr, "gpu-bench: --dump %s: %s\n", dump, strerror(errno));
            if (csv)
                fclose(csv);
            free(ps);
            free(extra);
            return 2;
        }
        dump_bounds(dump, &ps[0]);
    }
    rb_status why = {{0}};
    int have_gpu = rb_backend_cublas.probe(&why) == 0;
    if (!have_gpu)
        printf("gpu-bench: GPU backends unavailable: %s\n", why.msg);
    printf("%-16s %-6s %-34s %-11s %10s %10s %10s %9s %10s\n", "task", "backend", "options", "status", "median_ms",
           "p99_ms", "energy_J", "power_W", "max_rel");
    const double t0 = now_s();
    int failures = 0;
    for (size_t k = 0; k < n; k++) {
        const rb_problem *p = &ps[k];
        rb_weights w;
        float *x = rb_inputs_make(p, 7), *ref = NULL;
        if (rb_weights_init(&w, p, 42) != 0 || !x) {
            fprintf(stderr, "gpu-bench: %s: out of memory\n", p->name);
            free(x);
            failures++;
            continue;
        }
        ref_job job = {p, &w, x, NULL, -1};
        pthread_t tid;
        int threaded = 0;
        if ((check || dump) && (job.ref = malloc(rb_output_len(p) * sizeof(float))) != NULL)
            threaded = pthread_create(&tid, NULL, ref_thread, &job) == 0;
        bench_out out[MAX_CFG];
        for (int c = 0; c < n_cfg; c++) {
            memset(&out[c], 0, sizeof out[c]);
            out[c].median_ms = out[c].p99_ms = out[c].min_ms = out[c].energy_j = out[c].power_w = NAN;
            out[c].max_rel = NAN;
            rb_options o;
            make_opts(&o, cfgs[c].opts, cfgs[c].b->name, extra, n_extra);
            out[c].bound = rb_backend_error_bound(cfgs[c].b, p, &o);
            if (!have_gpu) {
                out[c].status = "unavailable";
                snprintf(out[c].note, sizeof out[c].note, "%s", why.msg);
            } else if (deadline > 0 && now_s() - t0 > deadline) {
                out[c].status = "skipped";
                snprintf(out[c].note, sizeof out[c].note, "time budget of %.0f s spent", deadline);
            } else {
                bench_one(&cfgs[c], p, &w, x, reps, extra, n_extra, &out[c]);
            }
        }
        if (threaded)
            pthread_join(tid, NULL);
        ref = threaded && job.rc == 0 ? job.ref : NULL;
        if (dump && dump_task(dump, p, &w, x, ref) == 0) {
            fprintf(listing, "%s\n", p->name);
            fflush(listing);
        }
        for (int c = 0; c < n_cfg; c++) {
            bench_out *o = &out[c];
            if (ref && o->y && !strcmp(o->status, "ok")) {
                double abs_err;
                rb_compare(o->y, ref, rb_output_len(p), &abs_err, &o->max_rel);
            }
            rb_options opt;
            char opts[RB_OPT_VAL_MAX];
            make_opts(&opt, cfgs[c].opts, cfgs[c].b->name, extra, n_extra);
            opts_string(&opt, opts, sizeof opts);
            failures += !strcmp(o->status, "failed") || (!isnan(o->max_rel) && o->max_rel > o->bound);
            printf("%-16s %-6s %-34s %-11s %10.4f %10.4f %10.4g %9.1f %10.3g%s%s\n", p->name, cfgs[c].b->name, opts,
                   o->status, o->median_ms, o->p99_ms, o->energy_j, o->power_w, o->max_rel, o->note[0] ? "  # " : "",
                   o->note);
            csv_row(csv, p, &cfgs[c], opts, o);
            free(o->y);
        }
        fflush(stdout);
        free(job.ref);
        free(x);
        rb_weights_free(&w);
    }
    printf("gpu-bench: %zu tasks x %d configurations in %.1f s, %d failed or over their error bound\n", n, n_cfg,
           now_s() - t0, failures);
    if (csv)
        fclose(csv);
    if (listing)
        fclose(listing);
    free(ps);
    free(extra);
    return failures ? 1 : 0;
}
