/* workloads/problem.c — cell names and gate counts, default problem names, FLOP and weight counts,
 * output sizes, and the output comparison used to check every backend against the fp32 reference. */
#include "problem.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const cell_names[] = {"lstm", "gru", "vanilla"};

const char *rb_cell_name(rb_cell c)
{
    if ((int)c < 0 || (int)c > (int)RB_CELL_VANILLA)
        return NULL;
    return cell_names[c];
}

int rb_cell_parse(const char *s, rb_cell *out)
{
    if (s == NULL)
        return -1;
    for (int c = RB_CELL_LSTM; c <= RB_CELL_VANILLA; c++) {
        const char *name = cell_names[c];
        size_t k = 0;
        while (name[k] != '\0' && tolower((unsigned char)s[k]) == name[k])
            k++;
        if (name[k] == '\0' && s[k] == '\0') {
            if (out != NULL)
                *out = (rb_cell)c;
            return 0;
        }
    }
    return -1;
}

int rb_cell_gates(rb_cell c)
{
    switch (c) {
    case RB_CELL_LSTM: return 4;
    case RB_CELL_GRU: return 3;
    case RB_CELL_VANILLA: return 1;
    }
    return 0;
}

void rb_problem_default_name(rb_problem *p)
{
    const char *cell = rb_cell_name(p->cell);
    snprintf(p->name, sizeof p->name, "%s-h%d-i%d-b%d-t%d", cell ? cell : "invalid", p->hidden, p->input,
             p->batch, p->timesteps);
}

/* Shared by both conventions: 2 * gates * H * K * B * T, K the length of the dot products counted. */
static double flops_with_k(const rb_problem *p, double k)
{
    return 2.0 * rb_cell_gates(p->cell) * (double)p->hidden * k * (double)p->batch * (double)p->timesteps;
}

double rb_flops_deepbench(const rb_problem *p)
{
    return flops_with_k(p, (double)p->hidden);
}

double rb_flops_full(const rb_problem *p)
{
    return flops_with_k(p, (double)p->input + (double)p->hidden);
}

double rb_weight_elems(const rb_problem *p)
{
    return (double)rb_cell_gates(p->cell) * (double)p->hidden * ((double)p->input + (double)p->hidden);
}

size_t rb_output_len(const rb_problem *p)
{
    return (size_t)p->timesteps * (size_t)p->batch * (size_t)p->hidden;
}

void rb_compare(const float *y, const float *ref, size_t len, double *max_abs, double *max_rel)
{
    double worst = 0.0, ref_max = 0.0;
    for (size_t i = 0; i < len; i++) {
        double a = (double)y[i], r = (double)ref[i];
        if (isnan(a) || isnan(r)) {
            worst = INFINITY;
            break;
        }
        double d = fabs(a - r);
        if (isnan(d)) /* inf - inf */
            d = INFINITY;
        if (d > worst)
            worst = d;
        if (fabs(r) > ref_max)
            ref_max = fabs(r);
    }
    double rel;
    if (isinf(worst))
        rel = INFINITY;
    else if (ref_max > 0.0)
        rel = worst / ref_max;
    else
        rel = worst > 0.0 ? INFINITY : 0.0; /* all-zero reference: any difference is infinitely relative */
    if (max_abs != NULL)
        *max_abs = worst;
    if (max_rel != NULL)
        *max_rel = rel;
}
