/* tests/fuzz/fuzz_brainwave_arch.c — libFuzzer target for the Brainwave backend's architecture-file parser, through
 * its public load function bw_arch_load (backends/brainwave/bw_arch.h): any file either loads (every parameter
 * with its source tag) or fails with a message. Also replayed over the seed corpus under ctest. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch_input.h"
#include "bw_arch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = rb_fuzz_input_file(data, size, path, sizeof path);
    if (fd < 0)
        return 0;
    bw_arch a;
    char err[512];
    memset(err, 'x', sizeof err);
    if (bw_arch_load(path, &a, err, sizeof err) != 0) {
        if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0')
            abort();
    } else {
        for (int p = 0; p < BW_P_COUNT; p++)
            if (memchr(a.source[p], '\0', sizeof a.source[p]) == NULL)
                abort();
        volatile double use = bw_arch_macs(&a) + bw_arch_peak_gflops(&a);
        (void)use;
    }
    close(fd);
    return 0;
}
