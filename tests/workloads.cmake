# tests/workloads.cmake — unit tests of workloads/: problem helpers, suites, parser, weights, reference cells.
rb_add_check_test(test_problem SOURCES tests/test_problem.c LIBS rb_workloads)
rb_add_check_test(test_parser SOURCES tests/test_parser.c LIBS rb_workloads)
rb_add_check_test(test_reference SOURCES tests/test_reference.c tests/reference_v1.c LIBS rb_workloads)
rb_add_check_test(test_parallel SOURCES tests/test_parallel.c LIBS rb_workloads)
rb_add_check_test(test_number SOURCES tests/test_number.c LIBS rb_workloads)
