# tests/published.cmake — published rows: the CSV reader and loader, `rnnbench import` and the rows `run` imports.
rb_add_check_test(test_published SOURCES tests/test_published.c LIBS rb_core)
target_compile_definitions(test_published PRIVATE RB_BINARY="$<TARGET_FILE:rnnbench>")
add_dependencies(test_published rnnbench)
