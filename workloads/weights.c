/* workloads/weights.c — deterministic weights and input sequences. Every value comes from a splitmix64
 * stream keyed by the seed and the problem shape, so any process (any rank, any backend) regenerates the
 * same bytes. Weights and inputs use different streams. */
#include "problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Stream tags keep the weight and input streams apart even for equal seeds and shapes. */
#define TAG_WEIGHTS UINT64_C(0x7262772d77656967) /* "rbw-weig" */
#define TAG_INPUTS UINT64_C(0x7262772d696e7075)  /* "rbw-inpu" */

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, a Weyl increment and a finaliser. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Folds one value into a stream key through the mixer, so every field changes the whole stream. */
static uint64_t mix_in(uint64_t key, uint64_t value)
{
    uint64_t s = key ^ value;
    return splitmix64(&s);
}

/* Uniform float in [-1, 1): 24 random bits give every value exactly representable in fp32. */
static float uniform_pm1(uint64_t *state)
{
    uint64_t bits = splitmix64(state) >> 40; /* 24 bits */
    return (float)((double)bits * (1.0 / 8388608.0) - 1.0);
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
    for (size_t i = 0; i < nw; i++)
        w->W[i] = k * uniform_pm1(&state);
    for (size_t i = 0; i < nu; i++)
        w->U[i] = k * uniform_pm1(&state);
    for (size_t i = 0; i < rows; i++)
        w->bw[i] = k * uniform_pm1(&state);
    for (size_t i = 0; i < rows; i++)
        w->bu[i] = k * uniform_pm1(&state);
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
    for (size_t i = 0; i < n; i++)
        x[i] = uniform_pm1(&state);
    return x;
}
