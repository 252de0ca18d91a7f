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

# Disk full: exit 4 with a clear message, a readable file of complete rows, --resume completes it. On a real small
# tmpfs (root only, else skipped) and, without root, with writes past 250 KB failing through an LD_PRELOAD library,
# with and without the store's disk reservation.
add_library(rb_enospc_preload SHARED ${CMAKE_SOURCE_DIR}/tests/fault/enospc_preload.c)
target_link_libraries(rb_enospc_preload PRIVATE ${CMAKE_DL_LIBS})
foreach(mode tmpfs inject inject-noreserve)
  add_test(NAME store_disk_full_${mode}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/store_disk_full.sh ${mode} $<TARGET_FILE:rnnbench>
                   $<TARGET_FILE:rb_enospc_preload> ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/tmp)
  set_tests_properties(store_disk_full_${mode} PROPERTIES ENVIRONMENT "${RB_TEST_ENV}" SKIP_RETURN_CODE 77
                       TIMEOUT 300 LABELS store)
endforeach()

# run --force on a file h5py or a running campaign holds open: refused (exit 2), the file survives.
add_test(NAME store_force_locked COMMAND ${CMAKE_SOURCE_DIR}/tests/store_force_locked.sh $<TARGET_FILE:rnnbench>
         ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/tmp)
set_tests_properties(store_force_locked PROPERTIES ENVIRONMENT "${RB_TEST_ENV}" TIMEOUT 120 LABELS store)
