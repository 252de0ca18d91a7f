/* backends/cublas/gpu_stub.c — stand-in for a GPU backend that could not be built (no CUDA toolkit, or no cuDNN):
 * it registers under the real name so the jobs are recorded `unavailable` with the reason, instead of vanishing.
 * Compiled with RB_STUB_BACKEND=<dir name> (cublas or cudnn) and RB_STUB_REASON="..."; it declares the real
 * backend's options, so they are validated the same way with or without CUDA. */
#include "backend.h"
#include "gpu_option_specs.h"

#define RB_STR2(x) #x
#define RB_STR(x) RB_STR2(x)
#define RB_CAT2(a, b) a##b
#define RB_CAT(a, b) RB_CAT2(a, b)

static int stub_probe(rb_status *why) { return rb_fail(why, "%s", RB_STUB_REASON); }

static int stub_prepare(const rb_problem *p, const rb_weights *w, const rb_options *opt, void **state,
                        rb_status *st)
{
    (void)p, (void)w, (void)opt;
    *state = NULL;
    return rb_fail(st, "%s", RB_STUB_REASON);
}

static int stub_run(void *state, const float *x, float *y, double *device_ms, rb_status *st)
{
    (void)state, (void)x, (void)y, (void)device_ms;
    return rb_fail(st, "%s", RB_STUB_REASON);
}

static int stub_report(void *state, const float *x, rb_metrics *m, rb_status *st)
{
    (void)state, (void)x, (void)m;
    return rb_fail(st, "%s", RB_STUB_REASON);
}

static void stub_release(void *state) { (void)state; }

const rb_backend RB_CAT(rb_backend_, RB_STUB_BACKEND) = {
    .name = RB_STR(RB_STUB_BACKEND),
    .summary = "NVIDIA GPU backend (not built: " RB_STUB_REASON ")",
    .kind = RB_MEASURED,
    .probe = stub_probe,
    .prepare = stub_prepare,
    .run = stub_run,
    .report = stub_report,
    .release = stub_release,
    .config = NULL,
    .options = RB_CAT(RB_CAT(rb_gpu_, RB_STUB_BACKEND), _options),
    .error_bound = rb_gpu_error_bound,
};
