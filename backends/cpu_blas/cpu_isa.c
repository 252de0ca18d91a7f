/* backends/cpu_blas/cpu_isa.c — run-time detection of the vector instruction sets (GCC's __builtin_cpu_supports,
 * which also checks that the OS saves the wider registers). */
#include <stdio.h>
#include <string.h>
#include "cpu_isa.h"

static const char *const isa_names[RB_ISA_COUNT] = {"portable", "avx2", "avx512", "avx512-vnni", "avx512-bf16"};

const char *rb_isa_name(rb_isa isa)
{
    return (unsigned)isa < RB_ISA_COUNT ? isa_names[isa] : "unknown";
}

int rb_isa_parse(const char *s, rb_isa *out)
{
    for (int i = 0; s && i < RB_ISA_COUNT; i++)
        if (strcmp(s, isa_names[i]) == 0) {
            *out = (rb_isa)i;
            return 0;
        }
    return -1;
}

#if defined(__x86_64__) || defined(__i386__)
static int has_avx512(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
}
#endif

int rb_isa_supported(rb_isa isa)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    switch (isa) {
    case RB_ISA_PORTABLE: return 1;
    case RB_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RB_ISA_AVX512: return has_avx512();
    case RB_ISA_AVX512_VNNI: return has_avx512() && __builtin_cpu_supports("avx512vnni");
    case RB_ISA_AVX512_BF16: return has_avx512() && __builtin_cpu_supports("avx512bf16");
    case RB_ISA_COUNT: break;
    }
    return 0;
#else
    return isa == RB_ISA_PORTABLE;
#endif
}

void rb_isa_flags(char *out, int len)
{
    out[0] = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    int n = 0;
#define RB_FLAG(f)                                                                                                     \
    if (__builtin_cpu_supports(f) && n < len)                                                                          \
        n += snprintf(out + n, (size_t)(len - n), "%s%s", n ? " " : "", f);
    RB_FLAG("avx2")
    RB_FLAG("fma")
    RB_FLAG("avx512f")
    RB_FLAG("avx512bw")
    RB_FLAG("avx512vl")
    RB_FLAG("avx512vnni")
    RB_FLAG("avx512bf16")
#undef RB_FLAG
#endif
    if (!out[0])
        snprintf(out, (size_t)len, "none");
}
