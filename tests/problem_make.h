/* tests/problem_make.h — owns the rb_problem builder shared by the workload tests: every other field zero. */
#ifndef RB_TESTS_PROBLEM_MAKE_H
#define RB_TESTS_PROBLEM_MAKE_H

#include <string.h>

#include "problem.h"

static inline rb_problem make_problem(rb_cell cell, int h, int i, int b, int t)
{
    rb_problem p;
    memset(&p, 0, sizeof p);
    p.cell = cell;
    p.hidden = h;
    p.input = i;
    p.batch = b;
    p.timesteps = t;
    return p;
}

#endif
