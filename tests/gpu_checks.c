/* tests/gpu_checks.c — checks of the cublas and cudnn backends. Always: the probe path (no GPU or no CUDA build:
 * probe -1 with the reason, prepare fails cleanly), option validation, the datasheet table, the NVML energy window.
 * With a GPU: every cell type (lstm, gru, vanilla) at batch 1 and 4 against the fp32 reference, for cublas fp32,
 * tf32, fp16 and fp32 with a CUDA graph, and cudnn full and skip, each fp32 and fp16. cudnn's input=skip computes
 * W x_t + bw itself (untimed) and returns the full model's y (vanilla: from the timed skip-input run; LSTM/GRU: from
 * an untimed full-input run), so it is compared with the ordinary reference too, with I != H, and its report must
 * carry the extra reference_check. Built without CUDA (RB_GPU_STUBS_ONLY) only the stub probes are checked. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "gpu_checks.h"
#include "problem.h"
#ifndef RB_GPU_STUBS_ONLY
#include "gpu_common.h"
#endif

extern const rb_backend rb_backend_cublas;
extern const rb_backend rb_backend_cudnn;

#define FAIL(r, ...) (snprintf((r)->msg, sizeof (r)->msg, __VA_ARGS__), (r)->failed = 1)

/* ---- checks that need no GPU ---- */

static void check_probe(gpu_check_result *r)
{
    const rb_backend *bs[2] = {&rb_backend_cublas, &rb_backend_cudnn};
    for (int i = 0; i < 2; i++) {
        rb_status why = {{0}};
        int rc = bs[i]->probe(&why);
        if (bs[i]->kind != RB_MEASURED)
            return (void)FAIL(r, "%s: kind is not RB_MEASURED", bs[i]->name);
        if (rc != 0 && rc != -1)
            return (void)FAIL(r, "%s: probe returned %d", bs[i]->name, rc);
        if (rc == -1) {
            if (!why.msg[0])
                return (void)FAIL(r, "%s: probe failed without a reason", bs[i]->name);
            if (!strstr(why.msg, "cudaGetDeviceCount") && !strstr(why.msg, "built without") &&
                !strstr(why.msg, "no NVIDIA GPU found"))
                return (void)FAIL(r, "%s: probe reason lacks the cause: %s", bs[i]->name, why.msg);
            r->skipped = 1;
            snprintf(r->msg, sizeof r->msg, "no GPU: %s", why.msg);
        }
    }
    if (strcmp(rb_backend_cublas.name, "cublas") || strcmp(rb_backend_cudnn.name, "cudnn"))
        FAIL(r, "backend names are %s/%s", rb_backend_cublas.name, rb_backend_cudnn.name);
}

/* Without a GPU, prepare must fail with a reason and leave no state (and never crash). */
static void check_prepare_without_gpu(gpu_check_result *r)
{
    rb_status why = {{0}};
    if (rb_backend_cublas.probe(&why) == 0) {
        r->skipped = 1;
        snprintf(r->msg, sizeof r->msg, "a GPU is present");
        return;
    }
    rb_problem p = {RB_CELL_LSTM, 16, 16, 1, 3, "t"};
    rb_weights w;
    if (rb_weights_init(&w, &p, 1) != 0)
        return (void)FAIL(r, "rb_weights_init failed");
    const rb_backend *bs[2] = {&rb_backend_cublas, &rb_backend_cudnn};
    for (int i = 0; i < 2 && !r->failed; i++) {
        rb_status st = {{0}};
        void *state = (void *)&st;
        int rc = bs[i]->prepare(&p, &w, NULL, &state, &st);
        if (rc != -1 || state != NULL || !st.msg[0])
            FAIL(r, "%s: prepare without GPU gave rc %d, state %p, msg '%s'", bs[i]->name, rc, state, st.msg);
    }
    rb_weights_free(&w);
}

#ifndef RB_GPU_STUBS_ONLY
/* 1 when the GPU backends can run here; otherwise r is marked skipped with the probe's reason. */
static int need_gpu(gpu_check_result *r)
{
    rb_status why = {{0}};
    if (rb_backend_cublas.probe(&why) == 0)
        return 1;
    r->skipped = 1;
    snprintf(r->msg, sizeof r->msg, "no GPU: %s", why.msg);
    return 0;
}

static void opts_set(rb_options *o, const char *spec)
{
    /* spec: "k=v,k=v" */
    memset(o, 0, sizeof *o);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok(buf, ","); tok && o->n < RB_OPT_MAX; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = 0;
        snprintf(o->key[o->n], RB_OPT_KEY_MAX, "%s", tok);
        snprintf(o->val[o->n], RB_OPT_VAL_MAX, "%s", eq + 1);
        o->n++;
    }
}

static void check_options(gpu_check_result *r)
{
    rb_problem p = {RB_CELL_GRU, 16, 8, 1, 3, "t"};
    rb_weights w;
    if (rb_weights_init(&w, &p, 1) != 0)
        return (void)FAIL(r, "rb_weights_init failed");
    struct {
        const rb_backend *b;
        const char *opts;
        const char *expect; /* substring of the error */
    } cases[] = {
        {&rb_backend_cublas, "precision=fp64", "precision"},
        {&rb_backend_cublas, "colour=red", "colour"},
        {&rb_backend_cublas, "device=x", "device"},
        {&rb_backend_cublas, "graph=maybe", "graph"},
        {&rb_backend_cudnn, "input=partial", "input"},
        {&rb_backend_cudnn, "algo=fastest", "algo"},
        {&rb_backend_cudnn, "precision=fp8", "precision"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && !r->failed; i++) {
        rb_options o;
        rb_status st = {{0}};
        void *state = NULL;
        opts_set(&o, cases[i].opts);
        int rc = cases[i].b->prepare(&p, &w, &o, &state, &st);
        if (rc != -1 || state || !strstr(st.msg, cases[i].expect))
            FAIL(r, "%s %s: rc %d, msg '%s' (expected mention of '%s')", cases[i].b->name, cases[i].opts, rc, st.msg,
                 cases[i].expect);
    }
    rb_weights_free(&w);
}

/* config(): build facts and the chosen options, within max, no GPU needed. */
static void check_config(gpu_check_result *r)
{
    const rb_backend *bs[2] = {&rb_backend_cublas, &rb_backend_cudnn};
    const char *opts[2] = {"precision=fp16,graph=on", "input=skip"};
    const char *want[2][2] = {{"precision", "fp16"}, {"input", "skip"}};
    for (int i = 0; i < 2; i++) {
        char key[RB_OPT_MAX][RB_OPT_KEY_MAX], val[RB_OPT_MAX][RB_OPT_VAL_MAX];
        rb_options o;
        opts_set(&o, opts[i]);
        if (!bs[i]->config)
            return (void)FAIL(r, "%s has no config()", bs[i]->name);
        int n = bs[i]->config(&o, key, val, RB_OPT_MAX), found = 0;
        if (n < 4 || n > RB_OPT_MAX)
            return (void)FAIL(r, "%s config gave %d pairs", bs[i]->name, n);
        for (int k = 0; k < n; k++)
            found |= !strcmp(key[k], want[i][0]) && !strcmp(val[k], want[i][1]);
        if (!found)
            return (void)FAIL(r, "%s config lacks %s=%s", bs[i]->name, want[i][0], want[i][1]);
        if (bs[i]->config(&o, key, val, 2) != 2)
            return (void)FAIL(r, "%s config ignores max", bs[i]->name);
    }
}

static void check_table(gpu_check_result *r)
{
    struct {
        const char *name;
        double area, fp32, fp16;
    } cases[] = {
        {"Tesla V100-SXM2-16GB", 815, 15700, 125000}, {"Tesla V100-PCIE-32GB", 815, 14000, 112000},
        {"NVIDIA A100-SXM4-80GB", 826, 19500, 312000}, {"NVIDIA A100 80GB PCIe", 826, 19500, 312000},
        {"NVIDIA H100 80GB HBM3", 814, 66900, 989400}, {"NVIDIA H100 PCIe", 814, 51200, 756000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const rb_gpu_model *g = rb_gpu_model_find(cases[i].name);
        if (!g || g->die_mm2 != cases[i].area || g->peak_gflops[RB_GPU_PREC_FP32] != cases[i].fp32 ||
            g->peak_gflops[RB_GPU_PREC_FP16] != cases[i].fp16)
            return (void)FAIL(r, "table row for '%s' wrong or missing", cases[i].name);
    }
    if (rb_gpu_model_find("NVIDIA GeForce GTX 1080"))
        return (void)FAIL(r, "unknown GPU matched a table row");
    rb_metrics m;
    rb_metrics_init(&m);
    rb_gpu_fill_datasheet("Tesla V100-SXM2-16GB", RB_GPU_PREC_FP32, &m);
    if (m.area_source != RB_SRC_DATASHEET || m.area_mm2 != 815 || m.peak_source != RB_SRC_DATASHEET)
        return (void)FAIL(r, "datasheet fill for V100 wrong");
    rb_metrics_init(&m);
    rb_gpu_fill_datasheet("Mystery GPU", RB_GPU_PREC_FP32, &m);
    if (m.area_source != RB_SRC_UNAVAILABLE || !isnan(m.area_mm2) || m.n_extras != 1)
        FAIL(r, "unknown GPU must leave area unavailable with a reason");
}

static int fake_calls;
static int fake_infer(void *ctx, rb_status *st)
{
    (void)ctx, (void)st;
    fake_calls++;
    return 0;
}

/* Energy window: without NVML it must say why and not run inferences; with NVML it must run >= 3 over >= 0.2 s. */
static void check_energy_window(gpu_check_result *r)
{
    rb_metrics m;
    rb_status st = {{0}};
    rb_metrics_init(&m);
    fake_calls = 0;
    int rc = rb_gpu_energy_window(0, fake_infer, NULL, 0.2, &m, &st);
    if (rc != 0)
        return (void)FAIL(r, "energy window returned %d (%s)", rc, st.msg);
    if (m.energy_source == RB_SRC_UNAVAILABLE) {
        if (m.n_extras < 1 || strcmp(m.extra_key[0], "energy") || !m.extra_val[0][0])
            return (void)FAIL(r, "unavailable energy without a reason");
        if (!isnan(m.energy_j) || !isnan(m.power_w))
            FAIL(r, "unavailable energy with a value");
        if (!strstr(m.extra_val[0], "NVML") && fake_calls < 3)
            FAIL(r, "energy reason does not name NVML: %s", m.extra_val[0]);
        return;
    }
    if (fake_calls < 3 || !(m.energy_j > 0) || !(m.power_w > 0) || m.power_source != RB_SRC_MEASURED)
        FAIL(r, "measured energy: %d calls, %g J, %g W", fake_calls, m.energy_j, m.power_w);
}

/* ---- numeric checks against the fp32 reference (GPU only) ---- */

typedef struct gpu_config {
    const rb_backend *b;
    const char *opts;
    int skip;     /* cudnn input=skip: report() must explain the check in the extra reference_check */
    double bound; /* max abs error allowed */
} gpu_config;

static const gpu_config configs[] = {
    {&rb_backend_cublas, "precision=fp32", 0, 1e-4}, {&rb_backend_cublas, "precision=tf32", 0, 2e-2},
    {&rb_backend_cublas, "precision=fp16", 0, 2e-2}, {&rb_backend_cublas, "precision=fp32,graph=on", 0, 1e-4},
    {&rb_backend_cudnn, "input=full,precision=fp32", 0, 1e-4},
    {&rb_backend_cudnn, "input=full,precision=fp16", 0, 2e-2},
    {&rb_backend_cudnn, "input=skip,precision=fp32", 1, 1e-4},
    {&rb_backend_cudnn, "input=skip,precision=fp16", 1, 2e-2},
};
#define N_CONFIGS ((int)(sizeof configs / sizeof configs[0]))
static const rb_cell cells[] = {RB_CELL_LSTM, RB_CELL_GRU, RB_CELL_VANILLA};
static const int batches[] = {1, 4};
#define N_NUMERIC (N_CONFIGS * 3 * 2)

static void numeric_name(int k, char *buf, size_t n)
{
    const gpu_config *c = &configs[k / 6];
    snprintf(buf, n, "%s %s %s batch %d", c->b->name, c->opts, rb_cell_name(cells[(k / 2) % 3]), batches[k % 2]);
}

/* 1 when m has the extra `key` with a non-empty value. */
static int has_extra(const rb_metrics *m, const char *key)
{
    for (int i = 0; i < m->n_extras; i++)
        if (!strcmp(m->extra_key[i], key) && m->extra_val[i][0])
            return 1;
    return 0;
}

/* Runs backend configuration on p; output vs reference; report() checked once per configuration. */
static void check_numeric(int k, gpu_check_result *r)
{
    if (!need_gpu(r))
        return;
    const gpu_config *c = &configs[k / 6];
    rb_problem p = {cells[(k / 2) % 3], 48, 32, batches[k % 2], 7, "gpu-check"};
    rb_weights w;
    if (rb_weights_init(&w, &p, 42 + (uint64_t)k) != 0)
        return (void)FAIL(r, "rb_weights_init failed");
    size_t ny = rb_output_len(&p);
    float *x = rb_inputs_make(&p, 7), *y = calloc(ny, sizeof *y), *ref = calloc(ny, sizeof *ref);
    void *state = NULL;
    rb_options o;
    rb_status st = {{0}};
    opts_set(&o, c->opts);
    if (!x || !y || !ref || rb_reference_forward(&p, &w, x, ref) != 0) {
        FAIL(r, "allocation or reference failed");
        goto out;
    }
    if (c->b->prepare(&p, &w, &o, &state, &st) != 0) {
        FAIL(r, "prepare: %s", st.msg);
        goto out;
    }
    for (size_t i = 0; i < ny; i++)
        y[i] = NAN;
    double ms = -1, max_abs = 0, max_rel = 0;
    if (c->b->run(state, x, y, &ms, &st) != 0) {
        FAIL(r, "run: %s", st.msg);
        goto out;
    }
    rb_compare(y, ref, ny, &max_abs, &max_rel);
    if (!(ms >= 0))
        FAIL(r, "device_ms not set (%g)", ms);
    else if (!(max_abs <= c->bound))
        FAIL(r, "max abs error %.3g > %.1g (rel %.3g)", max_abs, c->bound, max_rel);
    else
        snprintf(r->msg, sizeof r->msg, "max abs error %.3g, %.3f ms", max_abs, ms);
    if (!r->failed && k % 6 == 0) { /* lstm batch 1: check report once per configuration */
        rb_metrics m;
        rb_metrics_init(&m);
        if (c->b->report(state, x, &m, &st) != 0)
            FAIL(r, "report: %s", st.msg);
        else if (!m.device[0] || m.n_extras < 3)
            FAIL(r, "report left device/extras empty");
        else if (rb_gpu_model_find(m.device) && m.area_source != RB_SRC_DATASHEET)
            FAIL(r, "known GPU without datasheet area");
        else if (c->skip && !has_extra(&m, "reference_check"))
            FAIL(r, "input=skip report lacks the extra reference_check");
    }
out:
    if (state)
        c->b->release(state);
    rb_weights_free(&w);
    free(x);
    free(y);
    free(ref);
}
#endif /* !RB_GPU_STUBS_ONLY */

typedef void (*check_fn)(gpu_check_result *r);
static const struct {
    const char *name;
    check_fn fn;
} fixed[] = {
    {"probe reports availability with a reason", check_probe},
    {"prepare without a GPU fails cleanly", check_prepare_without_gpu},
#ifndef RB_GPU_STUBS_ONLY
    {"options are validated", check_options},
    {"backend configuration pairs", check_config},
    {"datasheet table", check_table},
    {"NVML energy window", check_energy_window},
#endif
};
#define N_FIXED ((int)(sizeof fixed / sizeof fixed[0]))

int gpu_check_count(void)
{
#ifdef RB_GPU_STUBS_ONLY
    return N_FIXED;
#else
    return N_FIXED + N_NUMERIC;
#endif
}

const char *gpu_check_name(int i)
{
    static char buf[160];
    if (i < N_FIXED)
        return fixed[i].name;
#ifndef RB_GPU_STUBS_ONLY
    numeric_name(i - N_FIXED, buf, sizeof buf);
#else
    snprintf(buf, sizeof buf, "?");
#endif
    return buf;
}

void gpu_check_run(int i, gpu_check_result *r)
{
    memset(r, 0, sizeof *r);
    if (i < N_FIXED)
        fixed[i].fn(r);
#ifndef RB_GPU_STUBS_ONLY
    else
        check_numeric(i - N_FIXED, r);
#endif
}
