/* tests/spatial_fp8_v1.h — the previous fp8 executor of the spatial backend (tests/spatial_fp8_v1.c), kept as the
 * oracle of test_spatial_fp8_fast and timed by model-bench --v1: its model (weights held as fp32) and entry points. */
#ifndef RB_TESTS_SPATIAL_FP8_V1_H
#define RB_TESTS_SPATIAL_FP8_V1_H

#include "spatial_fp8.h"

typedef struct sp1_fp8_model {
    rb_cell cell;
    int G, H, I;
    sp_input_mode mode;
    sp_fp8_fmt fmt;
    int nxc, nhc;          /* 64-element vectors of the x part and the h part */
    float *Wp;             /* [G*H][(nxc + nhc) * 64] weights as 8-bit float values x 2^kw, lane-major per vector */
    int kw;                /* weight scale exponent */
    float *bias;           /* [G*H] fp32: bw + bu, except the GRU n gate: bw_n */
    float *bun;            /* [H] GRU bu_n (inside r * (.)) */
    float *sig, *tanh;     /* activation tables, 8-bit float entries */
    int lut_n;
    float lut_lo, lut_scale; /* index = (v - lut_lo) * lut_scale */
} sp1_fp8_model;

int sp1_fp8_init(sp1_fp8_model *q, const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode,
                 const sp_fp8_fmt *fmt);
void sp1_fp8_free(sp1_fp8_model *q);
int sp1_fp8_run(const sp1_fp8_model *q, const rb_problem *p, const float *x, float *y);
int sp1_fp8_forward(const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode,
                    const sp_fp8_fmt *fmt, const float *x, float *y);

#endif
