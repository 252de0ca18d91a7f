# backends/cublas/gpu_flags.cmake — compiler flags for the GPU backend directories (included by cublas/ and cudnn/).
# The top level adds plain -Wall/-Wextra (and -fsanitize=... under RB_SANITIZE) for every language, which nvcc
# rejects: in this directory those options are restricted to C, and CUDA sources get their own host-compiler
# warnings. Also the GPU architectures: nvcc 13 dropped sm_70 (V100), so the default is Turing, Ampere and Hopper
# SASS plus sm_90 PTX for newer GPUs; override with -DRB_CUDA_ARCHITECTURES=... .
set(RB_CUDA_ARCHITECTURES "75-real;80-real;90" CACHE STRING "CUDA architectures of the GPU backends")

get_property(_rb_dir_opts DIRECTORY PROPERTY COMPILE_OPTIONS)
set(_rb_c_opts "")
foreach(_o IN LISTS _rb_dir_opts)
  if(NOT _o MATCHES "^\\$<")
    string(REPLACE "," "$<COMMA>" _o "${_o}")
  endif()
  list(APPEND _rb_c_opts "$<$<COMPILE_LANGUAGE:C>:${_o}>")
endforeach()
set_property(DIRECTORY PROPERTY COMPILE_OPTIONS "${_rb_c_opts}")

# rb_gpu_target(TARGET): CUDA settings for a target with .cu sources.
function(rb_gpu_target tgt)
  set_target_properties(${tgt} PROPERTIES CUDA_ARCHITECTURES "${RB_CUDA_ARCHITECTURES}"
                                          CUDA_RUNTIME_LIBRARY Shared POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${tgt} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall$<COMMA>-Wextra>)
  if(RB_WERROR)
    target_compile_options(${tgt} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings>)
  endif()
endfunction()
