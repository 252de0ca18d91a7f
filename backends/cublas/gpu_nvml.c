/* backends/cublas/gpu_nvml.c — GPU board energy from NVML's total-energy counter. libnvidia-ml.so.1 is opened with
 * dlopen and the few functions used are declared here (no NVML header is needed to build), and the energy window
 * that turns two counter readings around repeated inferences into energy per inference and average power. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cuda_runtime_api.h>
#include "gpu_common.h"

/* Our own prototypes of the NVML entry points (NVML's API is C with an int-sized return code, 0 = success). */
typedef struct rb_nvml_opaque *rb_nvml_device;
typedef int (*nvml_init_fn)(void);
typedef int (*nvml_shutdown_fn)(void);
typedef int (*nvml_by_index_fn)(unsigned int index, rb_nvml_device *dev);
typedef int (*nvml_by_bus_fn)(const char *bus_id, rb_nvml_device *dev);
typedef int (*nvml_energy_fn)(rb_nvml_device dev, unsigned long long *mj);
typedef const char *(*nvml_errstr_fn)(int rc);

static struct {
    int tried;
    void *lib;
    char why[RB_MSG_MAX];
    nvml_init_fn init;
    nvml_shutdown_fn shutdown;
    nvml_by_index_fn by_index;
    nvml_by_bus_fn by_bus;
    nvml_energy_fn energy;
    nvml_errstr_fn errstr;
} nvml;

static void *sym(const char *name)
{
    void *p = dlsym(nvml.lib, name);
    if (!p && !nvml.why[0])
        snprintf(nvml.why, sizeof nvml.why, "libnvidia-ml.so.1 lacks %s", name);
    return p;
}

/* Loads the library once per process. 0, or -1 with the reason kept in nvml.why. */
static int nvml_load(rb_status *st)
{
    if (!nvml.tried) {
        nvml.tried = 1;
        nvml.lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!nvml.lib) {
            const char *e = dlerror();
            snprintf(nvml.why, sizeof nvml.why, "NVML unavailable: dlopen: %s", e ? e : "failed");
        } else {
            nvml.init = (nvml_init_fn)sym("nvmlInit_v2");
            nvml.shutdown = (nvml_shutdown_fn)sym("nvmlShutdown");
            nvml.by_index = (nvml_by_index_fn)sym("nvmlDeviceGetHandleByIndex_v2");
            nvml.by_bus = (nvml_by_bus_fn)dlsym(nvml.lib, "nvmlDeviceGetHandleByPciBusId_v2"); /* optional */
            nvml.energy = (nvml_energy_fn)sym("nvmlDeviceGetTotalEnergyConsumption");
            nvml.errstr = (nvml_errstr_fn)dlsym(nvml.lib, "nvmlErrorString"); /* optional */
        }
    }
    if (nvml.why[0])
        return rb_fail(st, "%s", nvml.why);
    return 0;
}

static int nvml_fail(rb_status *st, const char *what, int rc)
{
    return rb_fail(st, "NVML %s failed: %s (%d)", what, nvml.errstr ? nvml.errstr(rc) : "error", rc);
}

/* NVML handle of CUDA device dev: by PCI bus id (robust to CUDA_VISIBLE_DEVICES), else by index. */
static int nvml_open(int dev, rb_nvml_device *h, rb_status *st)
{
    if (nvml_load(st) != 0)
        return -1;
    int rc = nvml.init();
    if (rc != 0)
        return nvml_fail(st, "nvmlInit_v2", rc);
    char bus[64];
    if (nvml.by_bus && cudaDeviceGetPCIBusId(bus, (int)sizeof bus, dev) == cudaSuccess)
        rc = nvml.by_bus(bus, h);
    else
        rc = nvml.by_index((unsigned)dev, h);
    if (rc != 0) {
        nvml.shutdown();
        return nvml_fail(st, "device handle", rc);
    }
    return 0;
}

static int nvml_read(rb_nvml_device h, unsigned long long *mj, rb_status *st)
{
    int rc = nvml.energy(h, mj);
    return rc == 0 ? 0 : nvml_fail(st, "nvmlDeviceGetTotalEnergyConsumption", rc);
}

int rb_gpu_energy_mj(int dev, unsigned long long *mj, rb_status *st)
{
    rb_nvml_device h;
    if (nvml_open(dev, &h, st) != 0)
        return -1;
    int rc = nvml_read(h, mj, st);
    nvml.shutdown();
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int rb_gpu_energy_window(int dev, rb_gpu_infer_fn infer, void *ctx, double min_s, rb_metrics *m, rb_status *st)
{
    rb_status why = {{0}};
    rb_nvml_device h;
    unsigned long long e0 = 0, e1 = 0;
    if (nvml_open(dev, &h, &why) != 0) {
        rb_metrics_extra(m, "energy", "%s", why.msg);
        return 0;
    }
    if (nvml_read(h, &e0, &why) != 0) {
        nvml.shutdown();
        rb_metrics_extra(m, "energy", "%s", why.msg);
        return 0;
    }
    double t0 = now_s(), t1 = t0;
    long reps = 0;
    while (t1 - t0 < min_s || reps < 3) {
        if (infer(ctx, st) != 0) {
            nvml.shutdown();
            return -1;
        }
        reps++;
        t1 = now_s();
    }
    int rc = nvml_read(h, &e1, &why);
    nvml.shutdown();
    if (rc != 0) {
        rb_metrics_extra(m, "energy", "%s", why.msg);
        return 0;
    }
    if (e1 <= e0) {
        rb_metrics_extra(m, "energy", "NVML energy counter did not advance over %.2f s", t1 - t0);
        return 0;
    }
    double joules = (double)(e1 - e0) * 1e-3;
    m->energy_j = joules / (double)reps;
    m->energy_source = RB_SRC_MEASURED;
    m->power_w = joules / (t1 - t0);
    m->power_source = RB_SRC_MEASURED;
    rb_metrics_extra(m, "energy_window_s", "%.3f", t1 - t0);
    rb_metrics_extra(m, "energy_reps", "%ld", reps);
    rb_metrics_extra(m, "energy_scope", "whole board (NVML), idle and static power included");
    return 0;
}
