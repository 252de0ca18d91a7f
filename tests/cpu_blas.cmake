# tests/cpu_blas.cmake — the cpu-blas backend vs the fp32 reference.
rb_add_check_test(test_cpu_blas SOURCES tests/test_cpu_blas.c LIBS rb_backend_cpu_blas rb_workloads)
