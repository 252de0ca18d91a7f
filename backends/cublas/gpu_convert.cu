/* backends/cublas/gpu_convert.cu — fp32 <-> fp16 conversion kernels for the GPU backends' half-precision modes. */
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "gpu_common.h"

__global__ static void f32_to_f16(const float *src, __half *dst, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        dst[i] = __float2half_rn(src[i]);
}

__global__ static void f16_to_f32(const __half *src, float *dst, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        dst[i] = __half2float(src[i]);
}

static unsigned blocks_for(size_t n)
{
    size_t b = (n + 255) / 256;
    return (unsigned)(b < 4096 ? (b ? b : 1) : 4096);
}

extern "C" int rb_gpu_f32_to_f16(const float *src, void *dst_half, size_t n, void *stream)
{
    f32_to_f16<<<blocks_for(n), 256, 0, (cudaStream_t)stream>>>(src, (__half *)dst_half, n);
    return (int)cudaGetLastError();
}

extern "C" int rb_gpu_f16_to_f32(const void *src_half, float *dst, size_t n, void *stream)
{
    f16_to_f32<<<blocks_for(n), 256, 0, (cudaStream_t)stream>>>((const __half *)src_half, dst, n);
    return (int)cudaGetLastError();
}
