/* workloads/ref_dot.h — the fp32 reference's dot-product kernel: fp32 matrix rows times a vector held in double,
 * products and sums in double, in one fixed order (independent of the instruction set and of the thread count):
 *   s_j = sum over k = j (mod 8), k < 8*floor(n/8), in increasing k, of row[k]*v[k]   (j = 0..7)
 *   s_0 += row[k]*v[k] for the tail k >= 8*floor(n/8), in increasing k
 *   dot = ((s_0 + s_4) + (s_1 + s_5)) + ((s_2 + s_6) + (s_3 + s_7))
 * Each product of two fp32 values is exact in double, so a fused multiply-add gives the same sums. */
#ifndef RB_REF_DOT_H
#define RB_REF_DOT_H

#include <stddef.h>

/* out[i] = dot(m + i*ld, v) over n elements, for i < nr (1 <= nr <= 4). */
typedef void (*rb_dot_rows_fn)(const float *m, size_t ld, int nr, const double *v, size_t n, double *out);

/* The kernel for this CPU (AVX-512, AVX2 or portable). */
rb_dot_rows_fn rb_dot_rows(void);
/* Testing: selects a kernel by name ("avx512", "avx2", "portable"; NULL or "" = this CPU's best). Returns the name
 * of the kernel now in use, or NULL when the name is unknown or the CPU lacks it (the selection is unchanged). */
const char *rb_dot_rows_select(const char *isa);

#endif
