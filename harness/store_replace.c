/* harness/store_replace.c — owns replacing a results file without ever truncating it in place: the new file is
 * written beside it (same directory, so rename is atomic) and renamed over it only while we hold the exclusive
 * lock HDF5 takes on files it writes. A file another process holds open through HDF5 (a running campaign, an
 * h5py session) cannot be locked, and is left exactly as it is. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store_internal.h"

int rb_store_sibling_path(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    int w = snprintf(out, len, "%.*s.%s.new-%ld", dirlen, path, slash ? slash + 1 : path, (long)getpid());
    return w > 0 && (size_t)w < len ? 0 : -1;
}

int rb_store_lock_exclusive(const char *path, int *fd, char *err, size_t errlen)
{
    *fd = -1;
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) {
        rb_store_set_err(err, errlen, path, "cannot open: %s", strerror(errno));
        return -1;
    }
    while (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EINTR)
            continue;
        if (e == ENOSYS || e == ENOLCK || e == EOPNOTSUPP)
            break; /* no locks on this file system: HDF5 cannot lock it either (HDF5_USE_FILE_LOCKING=FALSE) */
        close(f);
        if (e == EWOULDBLOCK)
            rb_store_set_err(err, errlen, path,
                             "the file is open in another process (a running campaign, or h5py/HDF5 reading it); "
                             "left untouched: close it there, or write to another --output%s", NULL);
        else
            rb_store_set_err(err, errlen, path, "cannot lock the file: %s", strerror(e));
        return -1;
    }
    *fd = f;
    return 0;
}

int rb_store_replace_with(const char *new_path, const char *path, int lock_fd, char *err, size_t errlen)
{
    int rc = 0;
    if (rename(new_path, path) != 0) {
        rb_store_set_err(err, errlen, path, "cannot replace the file: %s", strerror(errno));
        rc = -1;
    }
    if (lock_fd >= 0)
        close(lock_fd);
    return rc;
}
