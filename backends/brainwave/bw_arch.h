/* backends/brainwave/bw_arch.h — the Brainwave NPU architecture description (tiles, native dimension, lanes,
 * clock, MFU chain, vector register file, BFP format, power, area) and the strict parser of its text file.
 *
 * File format: one "key = value  # source: TAG: free text" entry a line; '#' lines and blank lines are
 * ignored. TAG says where the number comes from: published | datasheet | recalled | derived | inferred |
 * assumed. Every key must appear exactly once and carry a source tag. Errors: "FILE:LINE: field: why". */
#ifndef BW_ARCH_H
#define BW_ARCH_H

#include <stddef.h>

#define BW_ARCH_NAME_MAX 48
#define BW_ARCH_SOURCE_MAX 160

/* Indices of the numeric parameters, in file order of the default description. */
typedef enum {
    BW_P_TILES = 0,         /* MVU tile engines */
    BW_P_NATIVE_DIM,        /* native dimension N (rows/cols of one native tile, length of a native vector) */
    BW_P_LANES,             /* lanes L of one dot-product engine: a native tile takes ceil(N/L) cycles */
    BW_P_CLOCK_MHZ,         /* clock */
    BW_P_MFU_COUNT,         /* multi-function units chained behind the MVU */
    BW_P_MFU_LANES,         /* elements per cycle one MFU processes */
    BW_P_MFU_OP_LATENCY,    /* pipeline latency (cycles) of one dependent MFU vector op incl. the VRF hop */
    BW_P_MFU_OPS_LSTM,      /* MFU vector ops per step (the element-wise chain) per cell type */
    BW_P_MFU_OPS_GRU,
    BW_P_MFU_OPS_VANILLA,
    BW_P_PIPE_LATENCY,      /* fixed round-trip latency of one step's chain: VRF read, broadcast, MVU, reduce, write */
    BW_P_STEP_SYNC,         /* cycles exposed at every step boundary (chain end / dependency turnaround) */
    BW_P_REQUEST_OVERHEAD,  /* cycles paid once per inference request, not amortised over T (start and I/O) */
    BW_P_VRF_VECTORS,       /* vector register file capacity in native vectors */
    BW_P_MRF_MBIT,          /* on-chip matrix memory (M20K) in Mbit */
    BW_P_BFP_EXP_BITS,      /* shared exponent bits */
    BW_P_BFP_MANTISSA_BITS, /* mantissa bits of the format name (ms-fp8: 2, ms-fp9: 3) */
    BW_P_BFP_LEADING_BIT,   /* 1: the leading bit a per-element float keeps implicit is stored explicitly */
    BW_P_POWER_W,           /* chip power used for energy */
    BW_P_TDP_W,             /* board/chip TDP (reported beside power_w, not used for energy); may be "unavailable" */
    BW_P_AREA_MM2,          /* die area; may be "unavailable" (NaN) */
    BW_P_COUNT
} bw_param;

typedef struct bw_arch {
    char name[BW_ARCH_NAME_MAX];
    char path[256];                            /* file it was read from ("" if built in code) */
    double v[BW_P_COUNT];                      /* values; TDP and area may be NaN = unavailable */
    char source[BW_P_COUNT][BW_ARCH_SOURCE_MAX]; /* "TAG: text" for each value */
    char name_source[BW_ARCH_SOURCE_MAX];
} bw_arch;

/* Key of a parameter as written in the file ("tiles", "native_dim", ...). */
const char *bw_param_key(bw_param p);

/* Integer view of a parameter (all but clock, power, TDP and area are integers). */
static inline int bw_arch_int(const bw_arch *a, bw_param p) { return (int)a->v[p]; }

/* Parse from a string (path used in messages only) or a file. 0, or -1 with "FILE:LINE: field: why" in err. */
int bw_arch_parse_string(const char *text, const char *path, bw_arch *out, char *err, size_t errlen);
int bw_arch_load(const char *path, bw_arch *out, char *err, size_t errlen);

/* Derived figures. */
double bw_arch_macs(const bw_arch *a);        /* tiles * N * L */
double bw_arch_peak_gflops(const bw_arch *a); /* 2 * macs * clock */

#endif
