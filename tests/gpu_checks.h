/* tests/gpu_checks.h — the GPU backends' checks as a plain list, shared by the Check test (test_gpu_backends.c)
 * and the dependency-free `gpu-selftest` program, so a CUDA-only machine runs the very same checks. */
#ifndef RB_GPU_CHECKS_H
#define RB_GPU_CHECKS_H

typedef struct gpu_check_result {
    int skipped;    /* 1: not applicable here (no GPU); msg says why */
    int failed;     /* 1: a check failed; msg says which */
    char msg[512];
} gpu_check_result;

/* Number of checks, the name of check i, and running check i. */
int gpu_check_count(void);
const char *gpu_check_name(int i);
void gpu_check_run(int i, gpu_check_result *r);

#endif
