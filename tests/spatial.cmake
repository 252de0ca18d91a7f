# tests/spatial.cmake — unit tests of the simulated spatial accelerator backend (backends/spatial).
set(RB_SP_LIBS rb_backend_spatial rb_workloads)
rb_add_check_test(test_spatial_arch SOURCES tests/test_spatial_arch.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_map SOURCES tests/test_spatial_map.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_sim SOURCES tests/test_spatial_sim.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_func SOURCES tests/test_spatial_func.c LIBS ${RB_SP_LIBS})
rb_add_check_test(test_spatial_suite SOURCES tests/test_spatial_suite.c LIBS ${RB_SP_LIBS})
