# tests/execute.cmake — rb_execute_job in one process (harness/execute.c): failures that must leave nothing behind,
# and outputs held to each backend's declared error bound.
rb_add_check_test(test_execute SOURCES tests/test_execute.c LIBS rb_core)
# the 1 PiB input allocation must return NULL under AddressSanitizer too, as it does with the system allocator
set_tests_properties(test_execute PROPERTIES ENVIRONMENT
                     "${RB_TEST_ENV};ASAN_OPTIONS=fast_unwind_on_malloc=0:allocator_may_return_null=1")
rb_add_check_test(test_error_bound SOURCES tests/test_error_bound.c LIBS rb_core)
