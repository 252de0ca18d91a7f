# backends/cublas/gpu_flags.cmake — compiler flags for the GPU backend directories (included by cublas/ and cudnn/).
# The top level restricts -Wall/-Wextra/-Werror/-fsanitize to C; CUDA sources get their own host-compiler
# warnings here. Also the GPU architectures: nvcc 13 dropped sm_70 (V100), so the default is Turing, Ampere and Hopper
# SASS plus sm_90 PTX for newer GPUs; override with -DRB_CUDA_ARCHITECTURES=... .
set(RB_CUDA_ARCHITECTURES "75-real;80-real;90" CACHE STRING "CUDA architectures of the GPU backends")

# rb_gpu_target(TARGET): CUDA settings for a target with .cu sources.
function(rb_gpu_target tgt)
  set_target_properties(${tgt} PROPERTIES CUDA_ARCHITECTURES "${RB_CUDA_ARCHITECTURES}"
                                          CUDA_RUNTIME_LIBRARY Shared POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${tgt} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall$<COMMA>-Wextra>)
  if(RB_WERROR)
    target_compile_options(${tgt} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--Werror=all-warnings>)
  endif()
endfunction()
