/* backends/brainwave/bw_table.c — rb_brainwave_table: prints the Brainwave model's per-task latency, cycles
 * and effective TFLOPS (both FLOP conventions) for a suite. Usage: rb_brainwave_table [SUITE [ARCH_FILE]]. */
#include <stdio.h>
#include <stdlib.h>

#include "bw_arch.h"
#include "bw_model.h"

#ifndef RB_BRAINWAVE_ARCH
#define RB_BRAINWAVE_ARCH "bw_s10.arch"
#endif

int main(int argc, char **argv)
{
    const char *suite = argc > 1 ? argv[1] : "paper";
    const char *path = argc > 2 ? argv[2] : RB_BRAINWAVE_ARCH;
    bw_arch a;
    char err[256];
    if (bw_arch_load(path, &a, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    rb_problem *p;
    size_t n;
    if (rb_suite_get(suite, &p, &n) != 0) {
        fprintf(stderr, "unknown suite '%s'\n", suite);
        return 2;
    }
    printf("| task | B | tiles W+U | MVM cyc | MFU cyc | floor cyc | step cyc | bound | latency ms | TFLOPS W+U | "
           "util W+U | TFLOPS U-only | util U-only |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        bw_estimate e;
        if (bw_model_estimate(&a, &p[i], &e, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", p[i].name, err);
            free(p);
            return 1;
        }
        printf("| %s | %d | %ld | %ld | %ld | %ld | %ld | %s | %.4f | %.2f | %.1f%% | %.2f | %.1f%% |\n", p[i].name,
               p[i].batch, e.tiles_total, e.mvm_cycles, e.mfu_cycles, e.floor_cycles, e.step_cycles, e.bound,
               e.latency_ms, e.gflops_full * 1e-3, 100 * e.util_full, e.gflops_deepbench * 1e-3,
               100 * e.util_deepbench);
    }
    printf("\nlatency = B x (request_overhead %d cycles + T x step cyc) / %g MHz\n",
           bw_arch_int(&a, BW_P_REQUEST_OVERHEAD), a.v[BW_P_CLOCK_MHZ]);
    free(p);
    return 0;
}
