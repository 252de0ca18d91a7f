/* backends/spatial/spatial_explore.c — CSV dump of the design space of one problem (latency vs area). */
#include "spatial_explore.h"

#include <string.h>

#include "spatial_dse.h"
#include "spatial_opts.h"

int rb_spatial_explore_csv(const rb_problem *p, const rb_options *opt, FILE *out, char *err, size_t errlen)
{
    sp_opts o;
    sp_arch a;
    if (sp_opts_load(opt, &o, &a, err, errlen) != 0)
        return -1;
    sp_shape s;
    sp_shape_from_problem(&s, p, o.mode);
    sp_dse_result r;
    if (sp_dse(&a, &s, 1, &r, err, errlen) != 0)
        return -1;
    double mhz = a.clock_mhz;
    fprintf(out, "arch,cell,hidden,input,batch,timesteps,input_mode,hu,ru,rv,gp,pcus,pmus,weights,"
                 "step_cycles,model_latency_ms,sim_latency_ms,area_alloc_mm2,chosen\n");
    for (size_t i = 0; i < r.n_cands; i++) {
        const sp_candidate *c = &r.cands[i];
        int chosen = memcmp(&c->f, &r.best.f, sizeof c->f) == 0;
        fprintf(out, "%s,%s,%d,%d,%d,%d,%s,%d,%d,%d,%d,%d,%d,%s,%.0f,%.6g,", a.name, rb_cell_name(p->cell),
                p->hidden, p->input, p->batch, p->timesteps, sp_input_mode_name(o.mode), c->f.hu, c->f.ru, c->f.rv,
                c->f.gp, c->pcus, c->pmus, c->dram_streamed ? "dram-streamed" : "on-chip", c->step_cycles,
                c->model_cycles / (mhz * 1e3));
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
