/* backends/spatial/spatial_arch.h — the architecture description of the simulated Plasticine-like
 * accelerator, and its strict text-file parser ("key = value" lines, errors as "FILE:LINE: field: why"). */
#ifndef RB_SPATIAL_ARCH_H
#define RB_SPATIAL_ARCH_H

#include <stddef.h>

typedef struct sp_arch {
    char name[64];
    char path[224];             /* file it was read from */
    int grid_rows, grid_cols;
    int pcus, pmus;
    int xh_private;             /* 1: each MVM PCU reads x/h from its own PMU; 0: ru shared slice PMUs, broadcast */
    int dags;
    double clock_mhz;
    int lanes, stages;
    int word_bits, mul_bits, acc_bits;
    int macs_per_lane;          /* packed low-precision MACs per lane per cycle */
    int mr_fused_cycles;        /* cycles of the map stages before the cross-lane tree */
    int tree_folded;            /* 1: folded tree + accumulate in one stage (II 1); 0: one stage per tree level */
    int pcu_scalar_in;          /* scalar inputs of a PCU: fan-in of the combine trees */
    long pmu_bytes;
    int pmu_read_cycles;        /* streamed read: address stage + SRAM access */
    int pmu_addr_stages;        /* PMU address datapath (LUT index computation) */
    int hop_cycles;
    int fifo_depth;
    int step_overhead_cycles;   /* control per time step beyond the modelled data path (calibrated) */
    double h_writeback_per_cycle; /* h elements the x/h buffers absorb per cycle, all copies (calibrated) */
    double dram_gbps, dram_pj_per_byte;
    double pcu_area_mm2, pmu_area_mm2;
    double pcu_power_mw, pmu_power_mw, dag_power_mw;
    double idle_power_frac;     /* share of busy power an allocated unit draws when idle (calibrated) */
    double vector_flit_pj, scalar_flit_pj;
    double chip_area_mm2, chip_power_w;
    int lut_entries;
    double lut_min, lut_max;
} sp_arch;

/* Parse an architecture file. 0 on success; -1 with "FILE:LINE: field: why" (or "FILE: why") in err. */
int sp_arch_load(const char *path, sp_arch *a, char *err, size_t errlen);
/* Same from a string; path is used for messages only. */
int sp_arch_parse_string(const char *text, const char *path, sp_arch *a, char *err, size_t errlen);

/* Resolve the backend's arch option: NULL or "sysml19" -> the paper's serving chip (the default),
 * "sysml19-1mac" -> what-if: that chip without 4 x 8-bit packing, "isca17" (alias "baseline") -> what-if: the
 * ISCA 2017 Plasticine; anything else is a path. Writes the path into out. */
void sp_arch_resolve(const char *opt, char *out, size_t outlen);

/* Derived quantities. */
int sp_arch_vec_elems(const sp_arch *a);        /* reduction elements per PCU per cycle: lanes*macs_per_lane */
double sp_arch_peak_gops(const sp_arch *a);     /* pcus*lanes*macs_per_lane*2*clock, in GOP/s */
double sp_arch_dram_bytes_per_cycle(const sp_arch *a);
int sp_arch_log2_lanes(const sp_arch *a);
/* Latency of the MVM map-reduce in a PCU: map stages + log2(lanes) tree cycles + 1 accumulate. */
int sp_arch_mvm_latency(const sp_arch *a);
/* Fan-in of a combine-tree PCU: its scalar inputs, at most stages + 1 (one add per stage in one lane). */
int sp_arch_combine_fanin(const sp_arch *a);

/* Key/value export for the backend's config() (returns the number of pairs written, <= max). */
int sp_arch_export(const sp_arch *a, char (*key)[32], char (*val)[224], int max);

#endif
