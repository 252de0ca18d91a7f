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
    int lanes, stages;
    int word_bits, mul_bits, acc_bits;
    int macs_per_lane;          /* packed low-precision MACs per lane per cycle */
    long pmu_bytes;
    int pmu_read_cycles;
    double clock_mhz;
    int combine_fanin;
    int fifo_depth;
    int hop_cycles;
    double dram_gbps, dram_pj_per_byte;
    int dags;
    double pcu_area_mm2, pmu_area_mm2;
    double pcu_power_mw, pmu_power_mw, dag_power_mw;
    double idle_power_frac;
    double vector_flit_pj, scalar_flit_pj;
    double chip_area_mm2, chip_power_w;
    int lut_entries;
    double lut_min, lut_max;
} sp_arch;

/* Parse an architecture file. 0 on success; -1 with "FILE:LINE: field: why" (or "FILE: why") in err. */
int sp_arch_load(const char *path, sp_arch *a, char *err, size_t errlen);
/* Same from a string; path is used for messages only. */
int sp_arch_parse_string(const char *text, const char *path, sp_arch *a, char *err, size_t errlen);

/* Resolve the backend's arch option: NULL or "serving" -> shipped 24x24 file, "baseline" -> shipped 16x8
 * file, "serving-1mac" -> the 24x24 sensitivity variant without 8-bit packing, anything else is a path.
 * Writes the path into out. */
void sp_arch_resolve(const char *opt, char *out, size_t outlen);

/* Derived quantities. */
int sp_arch_vec_elems(const sp_arch *a);        /* reduction elements per PCU per cycle: lanes*macs_per_lane */
double sp_arch_peak_gops(const sp_arch *a);     /* pcus*lanes*macs_per_lane*2*clock, in GOP/s */
double sp_arch_dram_bytes_per_cycle(const sp_arch *a);

/* Key/value export for the backend's config() (returns the number of pairs written, <= max). */
int sp_arch_export(const sp_arch *a, char (*key)[32], char (*val)[224], int max);

#endif
