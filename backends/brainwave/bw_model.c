/* backends/brainwave/bw_model.c — the Brainwave latency/throughput/energy model (formulas in bw_model.h). */
#include "bw_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static long ceil_div(long a, long b) { return (a + b - 1) / b; }

int bw_model_mfu_ops(const bw_arch *a, rb_cell cell)
{
    switch (cell) {
    case RB_CELL_LSTM: return bw_arch_int(a, BW_P_MFU_OPS_LSTM);
    case RB_CELL_GRU: return bw_arch_int(a, BW_P_MFU_OPS_GRU);
    case RB_CELL_VANILLA: return bw_arch_int(a, BW_P_MFU_OPS_VANILLA);
    }
    return -1;
}

int bw_model_estimate(const bw_arch *a, const rb_problem *p, bw_estimate *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    int G = rb_cell_gates(p->cell);
    int ops = bw_model_mfu_ops(a, p->cell);
    if (G <= 0 || ops <= 0 || p->hidden <= 0 || p->input <= 0 || p->batch <= 0 || p->timesteps <= 0) {
        snprintf(err, errlen, "invalid problem (cell %d, H %d, I %d, B %d, T %d)", (int)p->cell, p->hidden,
                 p->input, p->batch, p->timesteps);
        return -1;
    }
    const long N = bw_arch_int(a, BW_P_NATIVE_DIM);
    const long L = bw_arch_int(a, BW_P_LANES);
    const long engines = bw_arch_int(a, BW_P_TILES);

    e->tile_cycles = (int)ceil_div(N, L);
    e->hid_blocks = (int)ceil_div(p->hidden, N);
    e->in_blocks = (int)ceil_div(p->input, N);
    e->padded_h = (int)(e->hid_blocks * N);
    e->padded_i = (int)(e->in_blocks * N);
    e->tiles_w = (long)G * e->hid_blocks * e->in_blocks;
    e->tiles_u = (long)G * e->hid_blocks * e->hid_blocks;
    e->tiles_total = e->tiles_w + e->tiles_u;
    e->tiles_used = (int)(e->tiles_total < engines ? e->tiles_total : engines);
    e->mvm_cycles = ceil_div(e->tiles_total, engines) * e->tile_cycles;

    e->mfu_ops = ops;
    long mfu_vec_cycles = ceil_div(N, bw_arch_int(a, BW_P_MFU_LANES));
    e->mfu_cycles = ceil_div((long)ops * e->hid_blocks * mfu_vec_cycles, bw_arch_int(a, BW_P_MFU_COUNT));
    e->floor_cycles = bw_arch_int(a, BW_P_PIPE_LATENCY) + (long)ops * bw_arch_int(a, BW_P_MFU_OP_LATENCY);

    long busiest = e->mvm_cycles;
    e->bound = "mvm";
    if (e->mfu_cycles > busiest) {
        busiest = e->mfu_cycles;
        e->bound = "mfu";
    }
    if (e->floor_cycles > busiest) {
        busiest = e->floor_cycles;
        e->bound = "floor";
    }
    e->step_cycles = busiest + bw_arch_int(a, BW_P_STEP_SYNC);

    const double clock_hz = a->v[BW_P_CLOCK_MHZ] * 1e6;
    e->step_us = (double)e->step_cycles / clock_hz * 1e6;
    e->overhead_cycles = bw_arch_int(a, BW_P_REQUEST_OVERHEAD);
    e->request_cycles = e->overhead_cycles + (long)p->timesteps * e->step_cycles;
    e->latency_ms = (double)p->batch * (double)e->request_cycles / clock_hz * 1e3;

    e->flops_full = rb_flops_full(p);
    e->flops_deepbench = rb_flops_deepbench(p);
    double seconds = e->latency_ms * 1e-3;
    e->gflops_full = e->flops_full / seconds * 1e-9;
    e->gflops_deepbench = e->flops_deepbench / seconds * 1e-9;
    double peak = bw_arch_peak_gflops(a);
    e->util_full = e->gflops_full / peak;
    e->util_deepbench = e->gflops_deepbench / peak;
    double useful_macs = (double)G * p->hidden * ((double)p->input + p->hidden);
    e->mvu_util = useful_macs / (bw_arch_macs(a) * (double)e->mvm_cycles);

    int elem_bits = 1 + bw_arch_int(a, BW_P_BFP_MANTISSA_BITS) + bw_arch_int(a, BW_P_BFP_LEADING_BIT);
    double tile_elems = (double)N * N;
    e->weight_mbit =
        (double)e->tiles_total * (tile_elems * elem_bits + (double)N * bw_arch_int(a, BW_P_BFP_EXP_BITS)) * 1e-6;
    e->fits_mrf = e->weight_mbit <= a->v[BW_P_MRF_MBIT];
    /* live vectors: x, h, (c), the two MVM results per gate, two temporaries */
    e->vrf_needed = e->in_blocks + e->hid_blocks * (1 + (p->cell == RB_CELL_LSTM) + 2 * G + 2);
    e->fits_vrf = e->vrf_needed <= bw_arch_int(a, BW_P_VRF_VECTORS);
    e->energy_j = a->v[BW_P_POWER_W] * seconds;
    return 0;
}
