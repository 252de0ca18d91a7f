/* workloads/weights.c — deterministic weights and input sequences. Every value comes from a splitmix64
 * stream keyed by the seed and the problem shape, so any process (any rank, any backend) regenerates the
 * same bytes. Weights and inputs use different streams. splitmix64's state only advances by a constant, so
 * value n of a stream is a function of n alone: big tensors are filled in parallel chunks (parallel.h), with
 * the same bytes as one sequential pass. */
#include "problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

#define GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define FILL_CHUNK 65536 /* values per claimed chunk of a parallel fill */

/* Stream tags keep the weight and input streams apart even for equal seeds and shapes. */
#define TAG_WEIGHTS UINT64_C(0x7262772d77656967) /* "rbw-weig" */
#define TAG_INPUTS UINT64_C(0x7262772d696e7075)  /* "rbw-inpu" */

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, a Weyl increment and a finaliser. */
static inline uint64_t splitmix_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t splitmix64(uint64_t *state)
{
    return splitmix_mix(*state += GAMMA);
}

/* Folds one value into a stream key through the mixer, so every field changes the whole stream. */
static uint64_t mix_in(uint64_t key, uint64_t value)
{
    uint64_t s = key ^ value;
    return splitmix64(&s);
}

/* Uniform float in [-1, 1) from one 64-bit output: 24 random bits give every value exactly representable in fp32. */
static inline float pm1_of(uint64_t r)
{
    uint64_t bits = r >> 40; /* 24 bits */
    return (float)((double)bits * (1.0 / 8388608.0) - 1.0);
}

/* out[i] = scale * (the stream's value number first + i + 1), for i < n: the values a sequential pass from state
 * `base` (after `first` values) would produce. */
typedef struct fill_ctx {
    float *out;
    uint64_t base, first;
    float scale;
} fill_ctx;

static void fill_task(void *arg, size_t b, size_t e)
{
    const fill_ctx *k = arg;
    uint64_t z = k->base + (k->first + (uint64_t)b) * GAMMA;
    for (size_t i = b; i < e; i++) {
        z += GAMMA;
        k->out[i] = k->scale * pm1_of(splitmix_mix(z));
    }
}

/* Fills out[0..n) with the stream's next n values times scale; advances *state past them. */
static void fill_stream(float *out, size_t n, uint64_t *state, uint64_t *used, float scale)
{
    fill_ctx k = {out, *state, *used, scale};
    rb_par_for(n, FILL_CHUNK, fill_task, &k);
    *used += n;
}

static size_t checked_mul(size_t a, size_t b, int *overflow)
{
    if (a != 0 && b > SIZE_MAX / a)
        *overflow = 1;
    return a * b;
}

static float *alloc_floats(size_t count)
{
    if (count == 0 || count > SIZE_MAX / sizeof(float))
        return NULL;
    return malloc(count * sizeof(float));
}

int rb_weights_init(rb_weights *w, const rb_problem *p, uint64_t seed)
{
    memset(w, 0, sizeof *w);
    int gates = rb_cell_gates(p->cell);
    if (gates == 0 || p->hidden <= 0 || p->input <= 0)
        return -1;
    int overflow = 0;
    size_t rows = checked_mul((size_t)gates, (size_t)p->hidden, &overflow);
    size_t nw = checked_mul(rows, (size_t)p->input, &overflow);
    size_t nu = checked_mul(rows, (size_t)p->hidden, &overflow);
    if (overflow)
        return -1;
    w->gates = gates;
    w->hidden = p->hidden;
    w->input = p->input;
    w->W = alloc_floats(nw);
    w->U = alloc_floats(nu);
    w->bw = alloc_floats(rows);
    w->bu = alloc_floats(rows);
    if (w->W == NULL || w->U == NULL || w->bw == NULL || w->bu == NULL) {
        rb_weights_free(w);
        return -1;
    }
    uint64_t state = mix_in(seed, TAG_WEIGHTS);
    state = mix_in(state, (uint64_t)p->cell);
    state = mix_in(state, (uint64_t)p->hidden);
    state = mix_in(state, (uint64_t)p->input);
    const float k = (float)(1.0 / sqrt((double)p->hidden));
    uint64_t used = 0; /* values of the stream taken so far: W, then U, bw, bu */
    fill_stream(w->W, nw, &state, &used, k);
    fill_stream(w->U, nu, &state, &used, k);
    fill_stream(w->bw, rows, &state, &used, k);
    fill_stream(w->bu, rows, &state, &used, k);
    return 0;
}

void rb_weights_free(rb_weights *w)
{
    if (w == NULL)
        return;
    free(w->W);
    free(w->U);
    free(w->bw);
    free(w->bu);
    memset(w, 0, sizeof *w);
}

float *rb_inputs_make(const rb_problem *p, uint64_t seed)
{
    if (rb_cell_gates(p->cell) == 0 || p->input <= 0 || p->batch <= 0 || p->timesteps <= 0)
        return NULL;
    int overflow = 0;
    size_t n = checked_mul(checked_mul((size_t)p->timesteps, (size_t)p->batch, &overflow), (size_t)p->input,
                           &overflow);
    if (overflow)
        return NULL;
    float *x = alloc_floats(n);
    if (x == NULL)
        return NULL;
    uint64_t state = mix_in(seed, TAG_INPUTS);
    state = mix_in(state, (uint64_t)p->cell);
    state = mix_in(state, (uint64_t)p->hidden);
    state = mix_in(state, (uint64_t)p->input);
    state = mix_in(state, (uint64_t)p->batch);
    state = mix_in(state, (uint64_t)p->timesteps);
    uint64_t used = 0;
    fill_stream(x, n, &state, &used, 1.0f);
    return x;
}
