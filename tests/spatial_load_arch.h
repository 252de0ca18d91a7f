/* tests/spatial_load_arch.h — owns the architecture loading shared by the spatial backend tests: a shipped
 * description by name, or a tiny chip on which small problems already hit the PCU, PMU and capacity limits. */
#ifndef RB_TESTS_SPATIAL_LOAD_ARCH_H
#define RB_TESTS_SPATIAL_LOAD_ARCH_H

#include <check.h>

#include "spatial_arch.h"

/* The tiny chip: 12 PCU + 24 PMU, 4 lanes x 2 MACs (8-element vectors), 1 KiB PMUs, slow DRAM. */
#define SP_TINY_ARCH                                                                                             \
    "name = tiny\n grid_rows = 6\n grid_cols = 6\n pcus = 12\n pmus = 24\n xh_private = 1\n dags = 2\n"          \
    "clock_mhz = 500\n lanes = 4\n stages = 4\n word_bits = 16\n mul_bits = 8\n acc_bits = 32\n"                 \
    "macs_per_lane = 2\n mr_fused_cycles = 2\n tree_folded = 1\n pcu_scalar_in = 2\n pmu_bytes = 1024\n"        \
    "pmu_read_cycles = 2\n pmu_addr_stages = 4\n hop_cycles = 1\n fifo_depth = 8\n step_overhead_cycles = 5\n"  \
    "h_writeback_per_cycle = 1.5\n dram_gbps = 2\n dram_pj_per_byte = 100\n pcu_area_mm2 = 1\n"                \
    "pmu_area_mm2 = 1\n pcu_power_mw = 100\n pmu_power_mw = 100\n dag_power_mw = 10\n idle_power_frac = 0.1\n"  \
    "vector_flit_pj = 1\n scalar_flit_pj = 0.1\n chip_area_mm2 = 25\n chip_power_w = 2\n lut_entries = 64\n"    \
    "lut_min = -8\n lut_max = 8\n"

/* Loads the shipped architecture `which` (as sp_arch_resolve names them), or the tiny chip when NULL; the
 * test fails with the parser's message if that does not load. */
static inline void load_arch(const char *which, sp_arch *a)
{
    char path[512], err[256] = "";
    if (!which) {
        ck_assert_msg(sp_arch_parse_string(SP_TINY_ARCH, "tiny", a, err, sizeof err) == 0, "%s", err);
        return;
    }
    sp_arch_resolve(which, path, sizeof path);
    ck_assert_msg(sp_arch_load(path, a, err, sizeof err) == 0, "%s", err);
}

#endif
