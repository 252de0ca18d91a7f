/* workloads/suites.c — the built-in suites: the paper's 11 batch-1 tasks and DeepBench's RNN sets
 * (inference server, inference device, training), as static tables compiled into the library. */
#include "problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row of a built-in suite. All suites use DeepBench semantics: input size = hidden size. */
typedef struct suite_row {
    rb_cell cell;
    int hidden, batch, timesteps;
} suite_row;

#include "deepbench_table.h"

/* The batch-1 LSTM/GRU tasks Brainwave published on DeepBench, the set the paper compares on
 * (PAPER.md §1.2). Names drop the batch: "lstm-256-t150". */
static const suite_row paper_rows[] = {
    {RB_CELL_LSTM, 256, 1, 150},  {RB_CELL_LSTM, 512, 1, 25},   {RB_CELL_LSTM, 1024, 1, 25},
    {RB_CELL_LSTM, 1536, 1, 50},  {RB_CELL_LSTM, 2048, 1, 25},  {RB_CELL_GRU, 512, 1, 1},
    {RB_CELL_GRU, 1024, 1, 1500}, {RB_CELL_GRU, 1536, 1, 375},  {RB_CELL_GRU, 2048, 1, 375},
    {RB_CELL_GRU, 2560, 1, 375},  {RB_CELL_GRU, 2816, 1, 750},
};

typedef struct suite {
    const char *name;
    const char *summary;
    const suite_row *rows;
    size_t n;
    int name_has_batch; /* 1: "gru-2816-b1-t750", 0: "gru-2816-t750" */
} suite;

#define ROWS(a) (a), (sizeof(a) / sizeof((a)[0]))
static const suite suites[] = {
    {"paper", "the paper's 11 batch-1 LSTM/GRU tasks (Brainwave's DeepBench list), input = hidden",
     ROWS(paper_rows), 0},
    {"deepbench-inference", "DeepBench RNN inference-server set: 69 LSTM/GRU problems, batch 1-4, input = hidden",
     ROWS(deepbench_inference_rows), 1},
    {"deepbench-device", "DeepBench RNN inference-device set: 3 small vanilla/LSTM problems, batch 1",
     ROWS(deepbench_device_rows), 1},
    {"deepbench-train", "DeepBench RNN training set (forward only here): 53 problems, batch 8-128",
     ROWS(deepbench_train_rows), 1},
};
#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

static const char *const suite_name_list[] = {"paper", "deepbench-inference", "deepbench-device",
                                              "deepbench-train", NULL};

static const suite *find_suite(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < N_SUITES; i++)
        if (strcmp(suites[i].name, name) == 0)
            return &suites[i];
    return NULL;
}

const char *const *rb_suite_names(void)
{
    return suite_name_list;
}

const char *rb_suite_summary(const char *name)
{
    const suite *s = find_suite(name);
    return s ? s->summary : NULL;
}

/* Appends "-2", "-3", ... to p[k].name while it equals the name of an earlier problem. */
static void make_name_unique(rb_problem *p, size_t k)
{
    char base[RB_NAME_MAX];
    memcpy(base, p[k].name, sizeof base);
    for (int suffix = 2;; suffix++) {
        int clash = 0;
        for (size_t j = 0; j < k && !clash; j++)
            clash = strcmp(p[j].name, p[k].name) == 0;
        if (!clash)
            return;
        snprintf(p[k].name, sizeof p[k].name, "%.50s-%d", base, suffix);
    }
}

int rb_suite_get(const char *name, rb_problem **out, size_t *n)
{
    const suite *s = find_suite(name);
    if (s == NULL || out == NULL || n == NULL)
        return -1;
    rb_problem *p = calloc(s->n, sizeof *p);
    if (p == NULL)
        return -1;
    for (size_t k = 0; k < s->n; k++) {
        const suite_row *r = &s->rows[k];
        p[k].cell = r->cell;
        p[k].hidden = r->hidden;
        p[k].input = r->hidden;
        p[k].batch = r->batch;
        p[k].timesteps = r->timesteps;
        if (s->name_has_batch)
            snprintf(p[k].name, sizeof p[k].name, "%s-%d-b%d-t%d", rb_cell_name(r->cell), r->hidden, r->batch,
                     r->timesteps);
        else
            snprintf(p[k].name, sizeof p[k].name, "%s-%d-t%d", rb_cell_name(r->cell), r->hidden, r->timesteps);
        make_name_unique(p, k);
    }
    *out = p;
    *n = s->n;
    return 0;
}
