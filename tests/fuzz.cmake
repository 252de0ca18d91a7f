# tests/fuzz.cmake — fuzzing (area "reliability"): libFuzzer targets for the workload parser and the two architecture
# parsers (tests/fuzz/fuzz_*.c). Always: each target replays its seed corpus (tests/fuzz/corpus/<name>) under ctest,
# built with the project's compiler (label fuzz). With clang and libFuzzer (packages clang and libclang-rt-14-dev,
# which scripts/setup installs): the fuzzers themselves, with AddressSanitizer and UBSan (target `fuzzers`, binaries
# build/tests/fuzz-<name>), and a bounded run of each under ctest: RB_FUZZ_SECONDS (default 30) with a fixed seed,
# new inputs kept in build/tests/fuzz-corpus/<name>, never in the source tree.
set(_fuzz ${CMAKE_SOURCE_DIR}/tests/fuzz)
set(RB_FUZZ_SECONDS 30 CACHE STRING "seconds each libFuzzer target runs under ctest (0: no fuzzing runs)")
set(_fuzz_libs_workload rb_workloads)
set(_fuzz_libs_spatial_arch rb_backend_spatial)
set(_fuzz_libs_brainwave_arch rb_backend_brainwave)
set(_fuzz_src_workload workloads/parser.c workloads/problem.c workloads/number.c workloads/str_index.c)
set(_fuzz_src_spatial_arch backends/spatial/spatial_arch.c)
set(_fuzz_src_brainwave_arch backends/brainwave/bw_arch.c)
set(_fuzz_inc_workload -I${CMAKE_SOURCE_DIR}/workloads)
set(_fuzz_inc_spatial_arch -I${CMAKE_SOURCE_DIR}/backends/spatial
    "-DRB_SPATIAL_ARCH_DIR=\"${CMAKE_SOURCE_DIR}/backends/spatial\"")
set(_fuzz_inc_brainwave_arch -I${CMAKE_SOURCE_DIR}/backends/brainwave)
set(_fuzz_targets workload spatial_arch brainwave_arch)

foreach(t ${_fuzz_targets})
  add_executable(fuzz-replay-${t} ${_fuzz}/replay_main.c ${_fuzz}/fuzz_${t}.c)
  target_link_libraries(fuzz-replay-${t} PRIVATE ${_fuzz_libs_${t}})
  add_test(NAME fuzz_replay_${t} COMMAND fuzz-replay-${t} ${_fuzz}/corpus/${t})
  set_tests_properties(fuzz_replay_${t} PROPERTIES ENVIRONMENT "${RB_TEST_ENV}" LABELS fuzz)
endforeach()

# libFuzzer needs clang: probe once whether it links a fuzzer here
find_program(RB_CLANG NAMES clang clang-14 clang-15 clang-16)
set(RB_HAVE_LIBFUZZER OFF)
if(RB_CLANG)
  set(_probe ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe.c)
  file(WRITE ${_probe} "#include <stddef.h>\n#include <stdint.h>\n"
       "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
  execute_process(COMMAND ${RB_CLANG} -fsanitize=fuzzer,address,undefined ${_probe}
                          -o ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe
                  RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(_probe_rc EQUAL 0)
    set(RB_HAVE_LIBFUZZER ON)
  endif()
endif()
message(STATUS "rnnbench: libFuzzer targets ${RB_HAVE_LIBFUZZER}")

if(RB_HAVE_LIBFUZZER)
  set(_fuzzers "")
  foreach(t ${_fuzz_targets})
    set(_srcs ${_fuzz}/fuzz_${t}.c)
    foreach(s ${_fuzz_src_${t}})
      list(APPEND _srcs ${CMAKE_SOURCE_DIR}/${s})
    endforeach()
    set(_bin ${CMAKE_CURRENT_BINARY_DIR}/fuzz-${t})
    add_custom_command(OUTPUT ${_bin}
                       COMMAND ${RB_CLANG} -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                               -D_POSIX_C_SOURCE=200809L ${_fuzz_inc_${t}} ${_srcs} -lm -o ${_bin}
                       DEPENDS ${_srcs} ${_fuzz}/arch_input.h VERBATIM
                       COMMENT "libFuzzer target fuzz-${t} (clang, ASan, UBSan)")
    list(APPEND _fuzzers ${_bin})
    if(RB_FUZZ_SECONDS GREATER 0)
      set(_new ${CMAKE_CURRENT_BINARY_DIR}/fuzz-corpus/${t})
      file(MAKE_DIRECTORY ${_new})
      add_test(NAME fuzz_run_${t}
               COMMAND ${_bin} -max_total_time=${RB_FUZZ_SECONDS} -seed=1 -print_final_stats=1 ${_new}
                       ${_fuzz}/corpus/${t})
      set_tests_properties(fuzz_run_${t} PROPERTIES LABELS fuzz TIMEOUT 600
                           ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
    endif()
  endforeach()
  add_custom_target(fuzzers ALL DEPENDS ${_fuzzers})
endif()
