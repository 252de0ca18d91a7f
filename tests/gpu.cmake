# tests/gpu.cmake — tests of the GPU backends (cublas, cudnn): the Check test test_gpu_backends and the same checks
# as the plain program gpu-selftest (no Check/MPI/HDF5). Without a GPU both check the probe path and skip the rest;
# built without CUDA they check the stubs.
set(_rb_gpu_libs rb_backend_cublas rb_backend_cudnn rb_workloads)
set(_rb_gpu_defs "")
if(NOT TARGET rb_gpu_common)
  set(_rb_gpu_defs RB_GPU_STUBS_ONLY)
endif()
rb_add_check_test(test_gpu_backends
  SOURCES ${CMAKE_SOURCE_DIR}/tests/test_gpu_backends.c ${CMAKE_SOURCE_DIR}/tests/gpu_checks.c
  LIBS ${_rb_gpu_libs})
target_compile_definitions(test_gpu_backends PRIVATE ${_rb_gpu_defs})
# device nodes and driver looked up without CUDA (gpu_presence.c is plain C, so this runs on every build)
rb_add_check_test(test_gpu_presence
  SOURCES ${CMAKE_SOURCE_DIR}/tests/test_gpu_presence.c ${CMAKE_SOURCE_DIR}/backends/cublas/gpu_presence.c
  LIBS ${_rb_gpu_libs})
target_include_directories(test_gpu_presence PRIVATE ${CMAKE_SOURCE_DIR}/backends/cublas)
target_compile_definitions(test_gpu_presence PRIVATE ${_rb_gpu_defs})
add_executable(gpu-selftest ${CMAKE_SOURCE_DIR}/tests/gpu_selftest.c ${CMAKE_SOURCE_DIR}/tests/gpu_checks.c)
target_link_libraries(gpu-selftest PRIVATE ${_rb_gpu_libs})
target_compile_definitions(gpu-selftest PRIVATE ${_rb_gpu_defs})
add_test(NAME gpu_selftest COMMAND gpu-selftest)

# gpu-bench: a stand-alone GPU runner of a suite (not a test; see backends/cublas/README.md)
if(TARGET rb_gpu_common)
  add_executable(gpu-bench ${CMAKE_SOURCE_DIR}/backends/cublas/tools/gpu_bench.c)
  find_package(Threads REQUIRED)
  target_link_libraries(gpu-bench PRIVATE ${_rb_gpu_libs} ${MATH_LIBRARY} Threads::Threads)
endif()

# scripts/gpu-check's CSV side (merge, summary, the importer-ready form): plain Python, runs on every machine
add_test(NAME gpu_check_csv COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/check_gpu_check_csv.py
         --rnnbench $<TARGET_FILE:rnnbench>)
