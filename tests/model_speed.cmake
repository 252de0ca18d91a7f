# tests/model_speed.cmake — fast model campaigns across ranks: the output cache shared by 2 MPI ranks and reused by
# the next campaign and by an architecture sweep (nothing recomputed), and the shape affinity of the scheduler.
add_test(NAME mpi_cache_reuse COMMAND ${CMAKE_SOURCE_DIR}/tests/mpi_cache_reuse.sh $<TARGET_FILE:rnnbench>
         ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/tmp)
set_tests_properties(mpi_cache_reuse PROPERTIES ENVIRONMENT "${RB_TEST_ENV}" TIMEOUT 300 LABELS mpi)
