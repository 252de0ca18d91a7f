/* workloads/problem.h — the RNN problem type, built-in suites, the workload-file parser,
 * deterministic weights/inputs, the fp32 reference cells and FLOP/byte counts.
 *
 * Tensor layouts (all row-major, fp32), shared by every backend:
 *   W  [G*H][I]   input weights, gate-blocked: rows g*H .. g*H+H-1 belong to gate g
 *   U  [G*H][H]   recurrent weights, same gate blocking
 *   bw [G*H]      input-side bias,  bu [G*H] recurrent-side bias
 *   x  [T][B][I]  input sequence
 *   y  [T][B][H]  hidden state h_t for every step (the output every backend must produce)
 *   h_0 = c_0 = 0.
 * Gate order (cuDNN / PyTorch convention):
 *   LSTM (G=4): i, f, g, o      c' = f*c + i*g,  h' = o*tanh(c')
 *   GRU  (G=3): r, z, n         "linear before reset" (cuDNN, PyTorch):
 *                               r = s(Wr x + bwr + Ur h + bur), z = s(Wz x + bwz + Uz h + buz)
 *                               n = tanh(Wn x + bwn + r * (Un h + bun)),  h' = (1-z)*n + z*h
 *   vanilla (G=1):              h' = tanh(W x + bw + U h + bu)
 */
#ifndef RB_PROBLEM_H
#define RB_PROBLEM_H

#include <stddef.h>
#include <stdint.h>

typedef enum { RB_CELL_LSTM = 0, RB_CELL_GRU = 1, RB_CELL_VANILLA = 2 } rb_cell;

#define RB_NAME_MAX 64

typedef struct rb_problem {
    rb_cell cell;
    int hidden;    /* H */
    int input;     /* I (DeepBench: I = H) */
    int batch;     /* B */
    int timesteps; /* T */
    char name[RB_NAME_MAX];
} rb_problem;

/* "lstm" / "gru" / "vanilla"; NULL for an invalid value. */
const char *rb_cell_name(rb_cell c);
/* Parses a cell name (case-insensitive). Returns 0 on success, -1 otherwise. */
int rb_cell_parse(const char *s, rb_cell *out);
/* Number of gates: 4, 3 or 1. */
int rb_cell_gates(rb_cell c);

/* Writes a default name such as "lstm-h512-i512-b1-t25" into p->name. */
void rb_problem_default_name(rb_problem *p);

/* FLOP counts, both conventions.
 * DeepBench's: 2*G*H*H*B*T (recurrent only; input = hidden, input projection skipped).
 * Full:        2*G*H*(I+H)*B*T (input projection + recurrent). Biases and element-wise ops ignored. */
double rb_flops_deepbench(const rb_problem *p);
double rb_flops_full(const rb_problem *p);
/* Number of weight elements (W and U), and bytes at the given element size. */
double rb_weight_elems(const rb_problem *p);

/* ---- suites ---- */
/* Built-in suites: "paper", "deepbench-inference", "deepbench-device", "deepbench-train".
 * On success *out is malloc'd (caller frees) and *n set; returns 0. Unknown name: -1. */
int rb_suite_get(const char *name, rb_problem **out, size_t *n);
/* NULL-terminated list of suite names. */
const char *const *rb_suite_names(void);
/* One-line description of a suite, or NULL. */
const char *rb_suite_summary(const char *name);

/* ---- workload files ----
 * One problem per line:  cell=lstm hidden=512 [input=512] [batch=1] timesteps=25 [name=foo]
 * '#' starts a comment; blank lines ignored. Strict validation: unknown key, duplicate key, missing
 * required key, non-integer or out-of-range value (numbers: number.h), a name used twice, more than 100,000
 * problems all fail. On error returns -1 and writes
 * "FILE:LINE: field: why" into err. On success *out is malloc'd and *n set (n >= 1; an empty file is an error). */
int rb_workload_parse_file(const char *path, rb_problem **out, size_t *n, char *err, size_t errlen);
/* Same, from a string (path is used only in messages). */
int rb_workload_parse_string(const char *text, const char *path, rb_problem **out, size_t *n, char *err,
                             size_t errlen);

/* ---- weights and inputs ---- */
typedef struct rb_weights {
    int gates, hidden, input;
    float *W;  /* [G*H][I] */
    float *U;  /* [G*H][H] */
    float *bw; /* [G*H] */
    float *bu; /* [G*H] */
} rb_weights;

/* Deterministic from (problem shape, seed): uniform in [-1/sqrt(H), 1/sqrt(H)] like PyTorch's init.
 * Returns 0, or -1 on allocation failure. */
int rb_weights_init(rb_weights *w, const rb_problem *p, uint64_t seed);
void rb_weights_free(rb_weights *w);
/* Input sequence x[T][B][I], uniform in [-1, 1), deterministic from seed. malloc'd, NULL on failure. */
float *rb_inputs_make(const rb_problem *p, uint64_t seed);
/* Number of output floats: T*B*H. */
size_t rb_output_len(const rb_problem *p);

/* ---- fp32 reference cell ----
 * Plain loops, fp32 storage with double accumulation of dot products. y is T*B*H floats.
 * Returns 0, or -1 on allocation failure. */
int rb_reference_forward(const rb_problem *p, const rb_weights *w, const float *x, float *y);

/* Compares y against ref over len elements: max |y-ref| and that divided by max |ref| (0 if ref is 0).
 * NaN anywhere in y gives +inf for both. */
void rb_compare(const float *y, const float *ref, size_t len, double *max_abs, double *max_rel);

#endif
