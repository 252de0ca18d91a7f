# tests/mpi.cmake — the scheduler (area "mpi"): unit tests in one process, and campaigns under mpirun with real ranks
# (1, 2 and 4 give the same keys and statuses; a backend missing on some ranks; a hung job; a worker killed then
# --resume; SIGINT to rank 0 then --resume). The dispatch benchmark (bench/) is a target, not a test.
set(_mpi_env ${RB_TEST_ENV}) # (includes the LeakSanitizer suppressions for Open MPI/HDF5, tests/lsan_mpi.supp)
rb_add_check_test(test_scheduler SOURCES ${CMAKE_SOURCE_DIR}/tests/test_scheduler.c LIBS rb_core)
set_tests_properties(test_scheduler PROPERTIES ENVIRONMENT "${_mpi_env}")

set(_mpi_case ${CMAKE_SOURCE_DIR}/tests/mpi_case.sh $<TARGET_FILE:rnnbench>)
set(_mpi_tmp ${CMAKE_CURRENT_BINARY_DIR}/tmp)
set(_mpi_args --workloads ${CMAKE_SOURCE_DIR}/tests/data/mpi_mix.txt --backends cpu-blas,brainwave --reps 2
    --min-time 0)

# np 1 is the reference the others are compared with
add_test(NAME mpi_np1 COMMAND ${_mpi_case} 1 0 ${_mpi_tmp}/mpi_np1.h5 ${_mpi_args} -- --status cpu-blas=ok
         --status brainwave=ok --provenance)
set_tests_properties(mpi_np1 PROPERTIES FIXTURES_SETUP mpi_ref)
# (the trace shows at most one measured job per node in flight, and jobs running side by side)
foreach(np 2 4)
  add_test(NAME mpi_np${np} COMMAND ${_mpi_case} ${np} 0 ${_mpi_tmp}/mpi_np${np}.h5 ${_mpi_args}
           -- --ref ${_mpi_tmp}/mpi_np1.h5 --all-ranks-used --provenance --trace ${_mpi_tmp}/mpi_np${np}.trace
              --min-parallel ${np})
  set_tests_properties(mpi_np${np} PROPERTIES FIXTURES_REQUIRED mpi_ref
                       ENVIRONMENT "${_mpi_env};RNNBENCH_SCHED_TRACE=${_mpi_tmp}/mpi_np${np}.trace")
endforeach()

# two pretend nodes of 2 ranks: measured jobs run on both nodes at once, never two on one node
add_test(NAME mpi_two_nodes COMMAND ${_mpi_case} 4 0 ${_mpi_tmp}/mpi_two_nodes.h5 ${_mpi_args}
         -- --ref ${_mpi_tmp}/mpi_np1.h5 --trace ${_mpi_tmp}/mpi_two_nodes.trace --min-measured-parallel 2)
set_tests_properties(mpi_two_nodes PROPERTIES FIXTURES_REQUIRED mpi_ref ENVIRONMENT
                     "${_mpi_env};RNNBENCH_TEST_RANKS_PER_NODE=2;RNNBENCH_SCHED_TRACE=${_mpi_tmp}/mpi_two_nodes.trace")

# jobs run inside the ranks (no executor processes): with 2 ranks, rank 0 only coordinates
add_test(NAME mpi_np2_inline COMMAND ${_mpi_case} 2 0 ${_mpi_tmp}/mpi_np2_inline.h5 ${_mpi_args}
         -- --ref ${_mpi_tmp}/mpi_np1.h5 --only-on-ranks cpu-blas=1 --only-on-ranks brainwave=1)
set_tests_properties(mpi_np2_inline PROPERTIES FIXTURES_REQUIRED mpi_ref
                     ENVIRONMENT "${_mpi_env};RNNBENCH_EXECUTOR=inline")

# cpu-blas only on rank 2 of 4: still scheduled, all there; brainwave everywhere
add_test(NAME mpi_backend_missing_on_some_ranks
         COMMAND ${_mpi_case} 4 0 ${_mpi_tmp}/mpi_missing.h5 ${_mpi_args}
         -- --ref ${_mpi_tmp}/mpi_np1.h5 --only-on-ranks cpu-blas=2)
set_tests_properties(mpi_backend_missing_on_some_ranks PROPERTIES FIXTURES_REQUIRED mpi_ref
                     ENVIRONMENT "${_mpi_env};RNNBENCH_DISABLE_BACKENDS_ON_RANKS=cpu-blas:0,1,3")
# cpu-blas on no rank: its jobs are stored `unavailable` with the probes' reasons
add_test(NAME mpi_backend_missing_everywhere
         COMMAND ${_mpi_case} 2 0 ${_mpi_tmp}/mpi_none.h5 ${_mpi_args}
         -- --status cpu-blas=unavailable:RNNBENCH_DISABLE_BACKENDS_ON_RANKS --status brainwave=ok)
set_tests_properties(mpi_backend_missing_everywhere PROPERTIES
                     ENVIRONMENT "${_mpi_env};RNNBENCH_DISABLE_BACKENDS_ON_RANKS=cpu-blas:*")
# a job that hangs: `timeout` after the hard limit, the campaign completes (exit 1: not every job ok)
add_test(NAME mpi_job_timeout
         COMMAND ${_mpi_case} 2 1 ${_mpi_tmp}/mpi_timeout.h5 ${_mpi_args} --job-timeout 0.5
         -- --workload-status stallme=timeout --workload-status mpi-lstm-a=ok --rows 20)
set_tests_properties(mpi_job_timeout PROPERTIES
                     ENVIRONMENT "${_mpi_env};RNNBENCH_TEST_STALL_WORKLOAD=stallme")

foreach(mode kill-worker term-worker sigint-rank0)
  add_test(NAME mpi_${mode}_resume
           COMMAND ${CMAKE_SOURCE_DIR}/tests/mpi_interrupt_resume.sh ${mode} $<TARGET_FILE:rnnbench>
                   ${CMAKE_SOURCE_DIR} ${_mpi_tmp}/interrupt)
endforeach()

set_tests_properties(mpi_np1 mpi_kill-worker_resume mpi_term-worker_resume mpi_sigint-rank0_resume PROPERTIES
                     ENVIRONMENT "${_mpi_env}")
set_tests_properties(mpi_np1 mpi_np2 mpi_np4 mpi_np2_inline mpi_two_nodes mpi_backend_missing_on_some_ranks mpi_backend_missing_everywhere
                     mpi_job_timeout mpi_kill-worker_resume mpi_term-worker_resume mpi_sigint-rank0_resume PROPERTIES
                     TIMEOUT 300 LABELS mpi)

if(EXISTS ${CMAKE_SOURCE_DIR}/bench/CMakeLists.txt)
  add_subdirectory(${CMAKE_SOURCE_DIR}/bench ${CMAKE_BINARY_DIR}/bench)
endif()

# a worker rank frozen with SIGSTOP: rank 0 stores its jobs in flight as timeout, gives it no more work, finishes the
# campaign and ends the MPI job with MPI_Abort once the file is closed (exit 1)
add_test(NAME mpi_frozen_rank COMMAND ${CMAKE_SOURCE_DIR}/tests/mpi_frozen_rank.sh $<TARGET_FILE:rnnbench>
         ${CMAKE_SOURCE_DIR} ${_mpi_tmp})
set_tests_properties(mpi_frozen_rank PROPERTIES ENVIRONMENT "${_mpi_env}" TIMEOUT 300 LABELS mpi)
