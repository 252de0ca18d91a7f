/* tests/gpu_selftest.c — `gpu-selftest`: the GPU backend checks of tests/gpu_checks.c as a plain C program with no
 * Check, MPI or HDF5 dependency, for machines that have CUDA and a GPU but not the rest of the toolchain (see
 * backends/cublas/README.md). Prints PASS / SKIP / FAIL per check; exit status 1 when any check failed. */
#include <stdio.h>
#include "gpu_checks.h"

int main(void)
{
    int n = gpu_check_count(), failed = 0, skipped = 0;
    for (int i = 0; i < n; i++) {
        gpu_check_result r;
        gpu_check_run(i, &r);
        const char *tag = r.failed ? "FAIL" : r.skipped ? "SKIP" : "PASS";
        printf("%s: %s%s%s\n", tag, gpu_check_name(i), r.msg[0] ? ": " : "", r.msg);
        failed += r.failed;
        skipped += r.skipped && !r.failed;
    }
    printf("gpu-selftest: %d checks, %d failed, %d skipped\n", n, failed, skipped);
    return failed ? 1 : 0;
}
