# tests/report.cmake — `rnnbench report` (Check test on a results file it writes) and the plots script (run on
# that same file: the Check test is the fixture that produces it).
rb_add_check_test(test_report SOURCES tests/test_report.c LIBS rb_core)
set_tests_properties(test_report PROPERTIES FIXTURES_SETUP report_results)

add_test(NAME test_plots
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/check_plots.py
                 --script ${CMAKE_SOURCE_DIR}/plots/rnnbench_plots.py
                 --results ${CMAKE_CURRENT_BINARY_DIR}/tmp/report_fixture.h5
                 --out ${CMAKE_CURRENT_BINARY_DIR}/tmp/figures)
set_tests_properties(test_plots PROPERTIES FIXTURES_REQUIRED report_results ENVIRONMENT "MPLBACKEND=Agg")
