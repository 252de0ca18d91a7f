# tests/timing.cmake — the measurement stopping rule (counts, times and the CI target) on synthetic samples.
rb_add_check_test(test_timing_ci SOURCES tests/test_timing_ci.c LIBS rb_core)
