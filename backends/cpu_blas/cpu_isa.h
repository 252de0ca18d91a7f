/* backends/cpu_blas/cpu_isa.h — the CPU's vector instruction sets, detected at run time, shared by cpu-blas and
 * cpu-fused: which code paths this machine can run, their names, and the `isa=` option's parsing. */
#ifndef RB_CPU_ISA_H
#define RB_CPU_ISA_H

typedef enum {
    RB_ISA_PORTABLE = 0, /* GNU C vector extensions only, no ISA-specific code: runs on any CPU */
    RB_ISA_AVX2,         /* AVX2 + FMA */
    RB_ISA_AVX512,       /* AVX-512 F/BW/VL/DQ */
    RB_ISA_AVX512_VNNI,  /* AVX-512 + VNNI (int8 dot products, vpdpbusd) */
    RB_ISA_AVX512_BF16,  /* AVX-512 + BF16 (bf16 dot products, vdpbf16ps) */
    RB_ISA_COUNT
} rb_isa;

/* "portable", "avx2", "avx512", "avx512-vnni", "avx512-bf16". */
const char *rb_isa_name(rb_isa isa);
/* Parses a name above; 0, or -1 when unknown. */
int rb_isa_parse(const char *s, rb_isa *out);
/* 1 when this CPU (and OS) can run code of that ISA, else 0. RB_ISA_PORTABLE is always supported. */
int rb_isa_supported(rb_isa isa);
/* The CPU's flags that matter here, e.g. "avx2 fma avx512f avx512bw avx512vnni avx512bf16". */
void rb_isa_flags(char *out, int len);

#endif
