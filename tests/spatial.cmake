# tests/spatial.cmake — unit tests of the simulated spatial accelerator backend (backends/spatial).
set(RB_SP_LIBS rb_backend_spatial rb_workloads)
rb_add_check_test(test_spatial_arch SOURCES tests/test_spatial_arch.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_map SOURCES tests/test_spatial_map.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_sim SOURCES tests/test_spatial_sim.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_func SOURCES tests/test_spatial_func.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_suite SOURCES tests/test_spatial_suite.c LIBS ${RB_SP_LIBS})

# the standalone design-space dump: a CSV with the chosen point marked; bad usage exits non-zero
add_test(NAME spatial_explore_cli COMMAND spatial-explore --cell gru --hidden 64 --timesteps 3 --arch baseline)
set_tests_properties(spatial_explore_cli PROPERTIES
  PASS_REGULAR_EXPRESSION "arch,cell,hidden,input,batch,timesteps,input_mode,capacity,hu,ru,rv.*whatif-isca17-16x8,gru,64,64,1,3,full,onchip,[0-9]+,[0-9]+,[0-9]+,.*,1\n")
add_test(NAME spatial_explore_cli_usage COMMAND spatial-explore --cell lstm --hidden 0 --timesteps 3)
set_tests_properties(spatial_explore_cli_usage PROPERTIES WILL_FAIL TRUE)

# the compact, batched, threaded, vectorised fp8 executor gives the bits of the previous one (tests/spatial_fp8_v1.c)
# on every kernel, thread count, cell, input mode, batch 1-5 and format
rb_add_check_test(test_spatial_fp8_fast SOURCES tests/test_spatial_fp8_fast.c tests/spatial_fp8_v1.c
                  LIBS ${RB_SP_LIBS})
