/* tests/fuzz/arch_input.h — the fuzz input as a file (the architecture parsers are fuzzed through their public
 * load functions, which take a path): an anonymous memory file, reachable as /proc/self/fd/N. */
#ifndef RB_FUZZ_ARCH_INPUT_H
#define RB_FUZZ_ARCH_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes data to a fresh memory file; its path into path. The descriptor (close it), or -1. */
static int rb_fuzz_input_file(const uint8_t *data, size_t size, char *path, size_t len)
{
    int fd = memfd_create("rnnbench-fuzz", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)w;
    }
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return fd;
}

#endif
