/* backends/cublas/gpu_table.c — datasheet figures (die area, dense peak FLOP/s, board power) of the GPUs the
 * paper and this harness care about, keyed by the CUDA device name. Sources: NVIDIA's V100, A100, H100 and H200
 * datasheets / architecture whitepapers (dense figures; tensor-core peaks without sparsity). */
#include <string.h>
#include "gpu_common.h"

/* Most specific first: "H100" + "PCI" must win over "H100" alone. peak order: fp32 (CUDA cores), tf32, fp16 tensor. */
static const rb_gpu_model models[] = {
    {"V100S", NULL, "NVIDIA Tesla V100S PCIe", 815.0, {16400.0, 16400.0, 130000.0}, 250.0},
    {"V100", "PCI", "NVIDIA Tesla V100 PCIe", 815.0, {14000.0, 14000.0, 112000.0}, 250.0},
    {"V100", NULL, "NVIDIA Tesla V100 SXM2", 815.0, {15700.0, 15700.0, 125000.0}, 300.0},
    {"A100", "PCI", "NVIDIA A100 PCIe", 826.0, {19500.0, 156000.0, 312000.0}, 300.0},
    {"A100", NULL, "NVIDIA A100 SXM4", 826.0, {19500.0, 156000.0, 312000.0}, 400.0},
    {"H100", "PCI", "NVIDIA H100 PCIe", 814.0, {51200.0, 378000.0, 756000.0}, 350.0},
    {"H100", "NVL", "NVIDIA H100 NVL", 814.0, {60000.0, 417500.0, 835500.0}, 400.0},
    {"H100", NULL, "NVIDIA H100 SXM5", 814.0, {66900.0, 494700.0, 989400.0}, 700.0},
    {"H200", "NVL", "NVIDIA H200 NVL", 814.0, {60000.0, 417500.0, 835500.0}, 600.0},
    {"H200", NULL, "NVIDIA H200 SXM", 814.0, {66900.0, 494700.0, 989400.0}, 700.0},
};

const rb_gpu_model *rb_gpu_model_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (strstr(name, models[i].match) && (!models[i].also || strstr(name, models[i].also)))
            return &models[i];
    return NULL;
}

void rb_gpu_fill_datasheet(const char *name, rb_gpu_prec prec, rb_metrics *m)
{
    const rb_gpu_model *g = rb_gpu_model_find(name);
    if (!g) {
        rb_metrics_extra(m, "datasheet", "GPU '%s' not in the datasheet table", name ? name : "?");
        return;
    }
    m->area_mm2 = g->die_mm2;
    m->area_source = RB_SRC_DATASHEET;
    m->peak_gflops = g->peak_gflops[prec];
    m->peak_source = RB_SRC_DATASHEET;
    rb_metrics_extra(m, "datasheet_model", "%s", g->label);
    rb_metrics_extra(m, "tdp_w", "%.0f", g->tdp_w);
}
