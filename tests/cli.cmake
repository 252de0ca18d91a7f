# tests/cli.cmake — command-line tests of the rnnbench binary (usage errors, a small campaign, resume).
rb_add_check_test(test_cli SOURCES tests/test_cli.c LIBS rb_core)
target_compile_definitions(test_cli PRIVATE RB_BINARY="$<TARGET_FILE:rnnbench>")
add_dependencies(test_cli rnnbench)
