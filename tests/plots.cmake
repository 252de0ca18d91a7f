# tests/plots.cmake — plots/rnnbench_plots.py (label `plots`): test_plots draws every figure from the store-written
# fixture of test_report and from a synthetic 11-task campaign with published platforms and checks the values,
# the layout, tracked files and bad input; test_plots_many renders synthetic campaigns of the 69-task inference
# suite, the 53-task train suite and all 125 DeepBench tasks and checks, with matplotlib's text extents, that no
# tick label overlaps another and no legend covers data.
set(RB_PLOTS_ARGS --script ${CMAKE_SOURCE_DIR}/plots/rnnbench_plots.py --rnnbench $<TARGET_FILE:rnnbench>
                  --schema ${CMAKE_SOURCE_DIR}/results/SCHEMA.md
                  --fixture ${CMAKE_CURRENT_BINARY_DIR}/tmp/report_fixture.h5)
add_test(NAME test_plots COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/check_plots.py ${RB_PLOTS_ARGS}
                                 --out ${CMAKE_CURRENT_BINARY_DIR}/tmp/plots --part basic)
add_test(NAME test_plots_many COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/check_plots.py ${RB_PLOTS_ARGS}
                                      --out ${CMAKE_CURRENT_BINARY_DIR}/tmp/plots_many --part many)
set_tests_properties(test_plots PROPERTIES FIXTURES_REQUIRED report_results ENVIRONMENT "MPLBACKEND=Agg"
                     LABELS plots TIMEOUT 400)
set_tests_properties(test_plots_many PROPERTIES ENVIRONMENT "MPLBACKEND=Agg" LABELS plots TIMEOUT 400)
