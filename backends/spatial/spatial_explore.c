/* backends/spatial/spatial_explore.c — CSV dump of the design space of one problem (latency vs units). */
#include "spatial_explore.h"

#include <stdlib.h>
#include <string.h>

#include "spatial_opts.h"

int rb_spatial_explore_csv(const rb_problem *p, const rb_options *opt, FILE *out, char *err, size_t errlen)
{
    sp_opts o;
    sp_arch a;
    if (sp_opts_load(opt, &o, &a, err, errlen) != 0)
        return -1;
    sp_dse_result r;
    int suspect;
    if (sp_plan(&o, &a, p, &r, 1, &suspect, err, errlen) != 0)
        return -1;
    if (o.map != SP_MAP_SEARCH) { /* a pinned point: the one candidate */
        sp_candidate c = { r.best.f, r.best.pcus, r.best.pmus, r.best.weights_fit,
                           r.best.streamed_bytes_per_step > 0, r.model.total_cycles, r.sim.total_cycles,
                           r.model.steady_step, r.cost.area_alloc_mm2 };
        r.cands = malloc(sizeof c);
        if (!r.cands) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        r.cands[0] = c;
        r.n_cands = 1;
    }
    double mhz = a.clock_mhz;
    fprintf(out, "arch,cell,hidden,input,batch,timesteps,input_mode,capacity,hu,ru,rv,pcus,pmus,weights,"
                 "step_cycles,model_latency_ms,sim_latency_ms,area_alloc_mm2,chosen\n");
    for (size_t i = 0; i < r.n_cands; i++) {
        const sp_candidate *c = &r.cands[i];
        int chosen = memcmp(&c->f, &r.best.f, sizeof c->f) == 0;
        const char *wt = c->weights_fit ? "on-chip" : c->streamed ? "dram-streamed" : "assumed-on-chip";
        fprintf(out, "%s,%s,%d,%d,%d,%d,%s,%s,%d,%d,%d,%d,%d,%s,%.0f,%.6g,", a.name, rb_cell_name(p->cell),
                p->hidden, p->input, p->batch, p->timesteps, sp_input_mode_name(o.mode), sp_capacity_name(o.cap),
                c->f.hu, c->f.ru, c->f.rv, c->pcus, c->pmus, wt, c->step_cycles, c->model_cycles / (mhz * 1e3));
        if (c->sim_cycles >= 0)
            fprintf(out, "%.6g", c->sim_cycles / (mhz * 1e3));
        fprintf(out, ",%.2f,%d\n", c->area_alloc_mm2, chosen);
    }
    int bad = ferror(out);
    sp_dse_free(&r);
    if (bad) {
        snprintf(err, errlen, "write error on the CSV output");
        return -1;
    }
    return 0;
}
