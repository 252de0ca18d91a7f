# tests/brainwave_fast.cmake — the batched, threaded, vectorised Brainwave BFP executor gives the bits of the
# previous one (kept as tests/bw_exec_v1.c), on every kernel and thread count.
rb_add_check_test(test_brainwave_fast SOURCES tests/test_brainwave_fast.c tests/bw_exec_v1.c
                  LIBS rb_backend_brainwave rb_workloads)
