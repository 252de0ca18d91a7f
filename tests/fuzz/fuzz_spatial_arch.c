/* tests/fuzz/fuzz_spatial_arch.c — libFuzzer target for the spatial backend's architecture-file parser, through its
 * public load function sp_arch_load (backends/spatial/spatial_arch.h): any file either loads (and the derived
 * figures can be computed) or fails with a message. Also replayed over the seed corpus under ctest. */
#define _GNU_SOURCE /* memfd_create */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch_input.h"
#include "spatial_arch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = rb_fuzz_input_file(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    sp_arch a;
    char err[512];
    memset(err, 'x', sizeof err);
    if (sp_arch_load(path, &a, err, sizeof err) != 0) {
        if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0')
            abort();
    } else {
        char key[64][32], val[64][224];
        int n = sp_arch_export(&a, key, val, 64);
        volatile double use = sp_arch_peak_gops(&a) + sp_arch_dram_bytes_per_cycle(&a) + sp_arch_vec_elems(&a) + n;
        (void)use;
    }
    close(fd);
    return 0;
}
