# tests/report.cmake — `rnnbench report` (Check test on a results file it writes; the file is the fixture
# `report_results` that the plot tests of tests/plots.cmake read too).
rb_add_check_test(test_report SOURCES tests/test_report.c LIBS rb_core)
set_tests_properties(test_report PROPERTIES FIXTURES_SETUP report_results)
