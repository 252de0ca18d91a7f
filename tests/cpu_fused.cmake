# tests/cpu_fused.cmake — the cpu-fused backend vs the fp32 reference, every kernel path and precision.
rb_add_check_test(test_cpu_fused SOURCES tests/test_cpu_fused.c LIBS rb_backend_cpu_fused rb_cpu_common rb_workloads)
