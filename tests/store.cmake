# tests/store.cmake — tests of the harness's statistics, timing policy and HDF5 results store (area "store").
rb_add_check_test(test_stats SOURCES ${CMAKE_SOURCE_DIR}/tests/test_stats.c LIBS rb_core)
rb_add_check_test(test_store SOURCES ${CMAKE_SOURCE_DIR}/tests/test_store.c LIBS rb_core)

# Python side of the schema: a file written through the store loads into numpy/pandas and h5dump.
add_executable(store_write_example ${CMAKE_SOURCE_DIR}/tests/store_write_example.c)
target_link_libraries(store_write_example PRIVATE rb_core)
add_test(NAME store_h5py_load
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/check_h5py_load.py $<TARGET_FILE:store_write_example>
                 ${CMAKE_CURRENT_BINARY_DIR}/tmp/store_h5py_load.h5 ${CMAKE_SOURCE_DIR}/results/SCHEMA.md)
set_tests_properties(store_h5py_load PROPERTIES ENVIRONMENT "${RB_TEST_ENV}")
