# tests/cluster.cmake — real cluster software on one machine (area "cluster", tests/cluster/): a Slurm 22.05 started
# by the test (label `slurm`) and several hosts in network namespaces (label `multihost`). They need root, Slurm,
# munge and namespaces; where something is missing they exit 77 and ctest reports them as skipped with the reason.
rb_add_check_test(test_provenance_slurm SOURCES ${CMAKE_SOURCE_DIR}/tests/cluster/test_provenance_slurm.c LIBS rb_core)

set(_cl_tmp ${CMAKE_CURRENT_BINARY_DIR}/tmp/cluster)
foreach(mode srun salloc sbatch)
  add_test(NAME slurm_${mode}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/cluster/slurm_case.sh ${mode} $<TARGET_FILE:rnnbench> ${CMAKE_SOURCE_DIR}
                   ${_cl_tmp}/slurm_${mode})
  set_tests_properties(slurm_${mode} PROPERTIES ENVIRONMENT "${RB_TEST_ENV}" LABELS slurm TIMEOUT 200
                       SKIP_RETURN_CODE 77)
endforeach()

# three hosts in network namespaces, Open MPI launching through tests/cluster/netns-rsh (mpirun --host)
foreach(mode campaign backend-one-host kill-host)
  add_test(NAME multihost_${mode}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/cluster/multihost_case.sh ${mode} $<TARGET_FILE:rnnbench>
                   ${CMAKE_SOURCE_DIR} ${_cl_tmp}/multihost_${mode})
  set_tests_properties(multihost_${mode} PROPERTIES ENVIRONMENT "${RB_TEST_ENV}" LABELS multihost TIMEOUT 300
                       SKIP_RETURN_CODE 77)
endforeach()
