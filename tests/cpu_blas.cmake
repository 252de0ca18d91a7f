# tests/cpu_blas.cmake — the cpu-blas backend vs the fp32 reference, and the code the CPU backends share.
rb_add_check_test(test_cpu_blas SOURCES tests/test_cpu_blas.c LIBS rb_backend_cpu_blas rb_cpu_common rb_workloads)
rb_add_check_test(test_cpu_common SOURCES tests/test_cpu_common.c LIBS rb_cpu_common rb_workloads m)
