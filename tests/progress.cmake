# tests/progress.cmake — the progress display: its line and log interval in one process (test_progress), and the
# lines rank 0 prints under mpirun -np 2, where stderr is a pipe (progress_mpi).
rb_add_check_test(test_progress SOURCES tests/test_progress.c LIBS rb_core)
add_test(NAME progress_mpi COMMAND ${CMAKE_SOURCE_DIR}/tests/progress_mpi.sh $<TARGET_FILE:rnnbench>
         ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/tmp/progress)
set_tests_properties(progress_mpi PROPERTIES ENVIRONMENT "${RB_TEST_ENV}" TIMEOUT 300 LABELS mpi)
