# tests/brainwave.cmake — unit tests of the Brainwave NPU model (backends/brainwave).
set(RB_BW_LIBS rb_backend_brainwave rb_workloads)
rb_add_check_test(test_brainwave_model SOURCES tests/test_brainwave_model.c LIBS ${RB_BW_LIBS})
rb_add_check_test(test_brainwave_bfp SOURCES tests/test_brainwave_bfp.c LIBS ${RB_BW_LIBS})
rb_add_check_test(test_brainwave_arch SOURCES tests/test_brainwave_arch.c LIBS ${RB_BW_LIBS})
rb_add_check_test(test_brainwave_func SOURCES tests/test_brainwave_func.c LIBS ${RB_BW_LIBS})
rb_add_check_test(test_brainwave_published SOURCES tests/test_brainwave_published.c LIBS ${RB_BW_LIBS})
