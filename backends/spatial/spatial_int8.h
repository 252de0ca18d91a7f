/* backends/spatial/spatial_int8.h — functional execution in the accelerator's numerics:
 *   weights W, U: int8, one symmetric scale per matrix (per tensor);
 *   x: int8, one scale per input sequence; h: int8 with the fixed scale 1/127 (|h| <= 1);
 *   dot products: int8 x int8 -> int32 accumulation;
 *   everything after the reduction (rescale, bias/projection add, gate math, c and GRU state) in Q16.16 fixed
 *   point (the authors' FixPt[16,16] accumulator type), products rounded back to Q16.16;
 *   sigmoid/tanh from lut_entries-entry tables over [lut_min, lut_max) indexed by truncation, entry = function at
 *   the bin centre, saturating outside the range;
 *   skip-input mode: the input projections W x_t + biases are precomputed (in the same int8/int32 arithmetic)
 *   and streamed in as int8 with one per-tensor scale, added like a bias.
 * The output y is the int8 h written back each step, dequantised (h_q / 127). */
#ifndef RB_SPATIAL_INT8_H
#define RB_SPATIAL_INT8_H

#include <stdint.h>
#include "spatial_arch.h"
#include "spatial_map.h"

typedef struct sp_lut {
    int n;
    int64_t lo_q16, step_q16;
    int32_t *sig, *tanh; /* Q16.16 entries */
} sp_lut;

int sp_lut_init(sp_lut *l, const sp_arch *a);
void sp_lut_free(sp_lut *l);
/* Table lookup of a Q16.16 argument. */
int32_t sp_lut_eval(const sp_lut *l, const int32_t *table, int32_t x_q16);

/* Fixed-point rescale of an int32 accumulator by a real factor, to Q16.16: (acc * mult) >> shift. */
typedef struct sp_rescale {
    int64_t mult;
    int shift;
} sp_rescale;
void sp_rescale_init(sp_rescale *r, double factor);
int32_t sp_rescale_apply(const sp_rescale *r, int64_t acc);

typedef struct sp_qmodel {
    rb_cell cell;
    int G, H, I;
    sp_input_mode mode;
    int8_t *Wq, *Uq;  /* [G*H][I], [G*H][H] */
    double sW, sU;
    int32_t *bias;    /* [G*H] Q16.16: bw + bu, except the GRU n gate: bw_n only */
    int32_t *bun;     /* [H] Q16.16: GRU bu_n (inside r * (.)) */
    sp_lut lut;
} sp_qmodel;

/* Quantise the weights. 0, or -1 on allocation failure. */
int sp_qmodel_init(sp_qmodel *q, const rb_problem *p, const rb_weights *w, const sp_arch *a, sp_input_mode mode);
/* Same, but the quantiser multiplies its weight scales by scale_error (1 = correct) while the rescale keeps the
 * true ones: the tests' deliberately broken quantiser. */
int sp_qmodel_init_scaled(sp_qmodel *q, const rb_problem *p, const rb_weights *w, const sp_arch *a,
                          sp_input_mode mode, double scale_error);
void sp_qmodel_free(sp_qmodel *q);
/* Whole-sequence inference x [T][B][I] -> y [T][B][H]. 0, or -1 on allocation failure. */
int sp_qmodel_run(const sp_qmodel *q, const rb_problem *p, const float *x, float *y);

#endif
