/* harness/store_space.c — owns the store's disk reservation and what happens when a write fails anyway.
 * Before HDF5 writes a batch, the blocks it will need are allocated with fallocate (the file's size is unchanged),
 * so a full disk or an exhausted quota is found before a single byte of the batch is written, instead of half-way
 * through HDF5's metadata. A file size limit (ulimit -f) is checked the same way. File systems without fallocate
 * are written without a reservation. After a failed write the file is detached from HDF5 (rb_store_detach): HDF5's
 * descriptor is pointed at an anonymous memory file, so whatever HDF5 still flushes (at close, at exit) never
 * reaches the results file, which keeps the state of its last successful flush, and H5Fclose succeeds (HDF5 1.10
 * crashes at shutdown after a failed H5Fclose).
 * Testing knobs (the disk-full tests run without root with them): RNNBENCH_TEST_STORE_FSIZE=BYTES sets the process's
 * file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) when the store is opened, after MPI has set itself up, so writes
 * past BYTES fail in the kernel as on a full disk; RNNBENCH_TEST_STORE_NO_RESERVE=1 skips the reservation, so such
 * a failure reaches HDF5 half-way through a batch. */
#define _GNU_SOURCE /* fallocate, memfd_create */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "store_internal.h"

/* HDF5 may write into unwritten gaps just below the end of the file (the unused rest of its allocation blocks):
 * the reservation covers this much before the end too. */
#define RB_RESERVE_TAIL (4ULL << 20)

static int reservation_disabled(void)
{
    const char *e = getenv("RNNBENCH_TEST_STORE_NO_RESERVE");
    return e != NULL && strcmp(e, "1") == 0;
}

static int reserve_fd(int fd, const char *path, unsigned long long bytes, char *err, size_t errlen)
{
    if (reservation_disabled())
        return 0;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return 0;
    unsigned long long size = (unsigned long long)st.st_size, want = size + bytes;
    char why[256];
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && want > (unsigned long long)rl.rlim_cur) {
        snprintf(why, sizeof why,
                 "file size limit reached (ulimit -f allows %llu bytes; the next write needs up to %llu KiB more)",
                 (unsigned long long)rl.rlim_cur, (bytes + 1023) / 1024);
        rb_store_set_err(err, errlen, path, "%s", why);
        return -1;
    }
    unsigned long long start = size > RB_RESERVE_TAIL ? (size - RB_RESERVE_TAIL) & ~4095ULL : 0;
    for (;;) {
        if (fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)start, (off_t)(want - start)) == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno == ENOSPC || errno == EDQUOT || errno == EFBIG) {
            snprintf(why, sizeof why, "%s (the next write needs up to %llu KiB more)", strerror(errno),
                     (bytes + 1023) / 1024);
            rb_store_set_err(err, errlen, path, "%s", why);
            return -1;
        }
        return 0; /* EOPNOTSUPP and the like: this file system cannot reserve; write without */
    }
}

void rb_store_test_limits(void)
{
    const char *e = getenv("RNNBENCH_TEST_STORE_FSIZE");
    char *end = NULL;
    unsigned long long limit = e && *e ? strtoull(e, &end, 10) : 0;
    if (limit == 0 || *end != '\0')
        return;
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) != 0)
        return;
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit then fails with EFBIG instead of killing the process */
    rl.rlim_cur = (rlim_t)limit;
    setrlimit(RLIMIT_FSIZE, &rl);
}

int rb_store_reserve_file(hid_t file, const char *path, unsigned long long bytes, char *err, size_t errlen)
{
    int *fd = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, (void **)&fd) < 0 || fd == NULL)
        return 0;
    return reserve_fd(*fd, path, bytes, err, errlen);
}

int rb_store_reserve(rb_store *s, unsigned long long bytes, char *err, size_t errlen)
{
    return rb_store_reserve_file(s->file, s->path, bytes, err, errlen);
}

int rb_store_detach_file(hid_t file)
{
    int *fd = NULL;
    if (file < 0 || H5Fget_vfd_handle(file, H5P_DEFAULT, (void **)&fd) < 0 || fd == NULL || *fd < 0)
        return -1;
    int m = memfd_create("rnnbench-detached-results", MFD_CLOEXEC);
    if (m < 0)
        return -1; /* then H5Fclose may fail: rb_store_hdf5_broken() tells the caller to end without HDF5's shutdown */
    int rc = dup2(m, *fd) < 0 ? -1 : 0; /* atomically replaces the results file's descriptor (its lock goes too) */
    close(m);
    return rc;
}

void rb_store_fail(rb_store *s, const char *why, const char *what)
{
    if (!s->failed) {
        if (why != NULL && why[0] != '\0')
            snprintf(s->why, sizeof s->why, "%s", why);
        else
            rb_store_set_h5_err(s->why, sizeof s->why, s->path, what ? what : "write failed");
    }
    s->failed = 1;
    rb_store_detach(s);
}

void rb_store_detach(rb_store *s)
{
    if (!s->detached && rb_store_detach_file(s->file) == 0)
        s->detached = 1;
}

void rb_store_release_reserve(const char *path)
{
    if (reservation_disabled())
        return;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && ftruncate(fd, st.st_size) != 0) {
        /* nothing to do: the blocks past the end stay allocated until the file is rewritten */
    }
    close(fd);
}
