# tests/output_cache.cmake — the on-disk output cache (harness/output_cache.c) and the executor's use of it; the MPI
# reuse test (a second campaign on 2 ranks computes nothing) is in tests/model_speed.cmake.
rb_add_check_test(test_output_cache SOURCES tests/test_output_cache.c LIBS rb_core)
target_compile_definitions(test_output_cache PRIVATE RB_BINARY="$<TARGET_FILE:rnnbench>")
add_dependencies(test_output_cache rnnbench)
