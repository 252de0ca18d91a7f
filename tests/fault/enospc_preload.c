/* tests/fault/enospc_preload.c — an LD_PRELOAD library for the disk-full tests, so they run without root: writes
 * to the file whose name contains RB_ENOSPC_FILE fail with ENOSPC past RB_ENOSPC_LIMIT bytes, as on a full disk (a
 * write that crosses the limit is cut short there, the next one fails), and so does fallocate past the limit.
 * ftruncate is left alone (extending a file on a full disk succeeds: it only makes a hole). Every other file is
 * untouched. Interposes pwrite/pwrite64/write (HDF5's sec2 driver uses pwrite) and fallocate/fallocate64. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int is_target(int fd)
{
    const char *want = getenv("RB_ENOSPC_FILE");
    if (want == NULL || *want == '\0')
        return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strstr(path, want) != NULL;
}

static long long limit(void)
{
    const char *e = getenv("RB_ENOSPC_LIMIT");
    return e && *e ? atoll(e) : -1;
}

/* How many of n bytes at offset may be written: n, fewer (cut at the limit), or -1 (errno = ENOSPC). */
static ssize_t allowed(int fd, off_t offset, size_t n)
{
    long long lim = limit();
    if (lim < 0 || !is_target(fd) || (long long)offset + (long long)n <= lim)
        return (ssize_t)n;
    if ((long long)offset >= lim) {
        errno = ENOSPC;
        return -1;
    }
    return (ssize_t)(lim - offset);
}

typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef int (*fallocate_fn)(int, int, off_t, off_t);

static ssize_t do_pwrite(const char *sym, int fd, const void *buf, size_t n, off_t offset)
{
    pwrite_fn real = (pwrite_fn)dlsym(RTLD_NEXT, sym);
    ssize_t k = allowed(fd, offset, n);
    return k < 0 ? -1 : real(fd, buf, (size_t)k, offset);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset)
{
    return do_pwrite("pwrite", fd, buf, n, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t offset)
{
    return do_pwrite("pwrite64", fd, buf, n, offset);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    write_fn real = (write_fn)dlsym(RTLD_NEXT, "write");
    if (limit() >= 0 && is_target(fd)) {
        ssize_t k = allowed(fd, lseek(fd, 0, SEEK_CUR), n);
        if (k < 0)
            return -1;
        n = (size_t)k;
    }
    return real(fd, buf, n);
}

static int do_fallocate(const char *sym, int fd, int mode, off_t offset, off_t len)
{
    fallocate_fn real = (fallocate_fn)dlsym(RTLD_NEXT, sym);
    long long lim = limit();
    if (lim >= 0 && is_target(fd) && (long long)offset + (long long)len > lim) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, mode, offset, len);
}

int fallocate(int fd, int mode, off_t offset, off_t len)
{
    return do_fallocate("fallocate", fd, mode, offset, len);
}

int fallocate64(int fd, int mode, off_t offset, off_t len)
{
    return do_fallocate("fallocate64", fd, mode, offset, len);
}
