/* harness/output_cache.c — the on-disk output cache (see output_cache.h): location and switches from the
 * environment, entry format, checked reads, write-then-rename stores, the size policy, clear and statistics. */
#define _GNU_SOURCE /* O_CLOEXEC, futimens */
#include "output_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "RBOUT001"
#define HEADER_FIXED 40                         /* magic, sizes, count, two checksums */
#define DEFAULT_MAX_BYTES (UINT64_C(4) << 30)   /* 4 GiB */
#define STALE_TEMP_S (3600)                     /* a temporary file this old belongs to a dead writer */
#define SUFFIX ".rbc"
#define TEMP_PREFIX ".tmp-"

void (*rb_cache_test_write_hook)(void); /* testing: called by a writer halfway through its data */

/* ------------------------------------------------------------------ checksum */

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)

/* Four independent multiply-rotate lanes over 32-byte stripes (the structure of xxHash64's inner loop; not
 * compatible with it), the tail folded byte-wise, then a splitmix64-style finaliser. For damage, not adversaries. */
uint64_t rb_cache_checksum(const void *data, size_t bytes)
{
    const unsigned char *p = data;
    uint64_t a[4] = {P1 + P2, P2, 0, UINT64_C(0) - P1};
    size_t i = 0;
    for (; i + 32 <= bytes; i += 32)
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * (size_t)l, 8);
            a[l] = rotl64(a[l] + w * P2, 31) * P1;
        }
    uint64_t h = rotl64(a[0], 1) + rotl64(a[1], 7) + rotl64(a[2], 12) + rotl64(a[3], 18);
    for (; i < bytes; i++)
        h = rotl64(h ^ (p[i] * P1), 11) * P2;
    h ^= (uint64_t)bytes;
    h = (h ^ (h >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    h = (h ^ (h >> 27)) * UINT64_C(0x94d049bb133111eb);
    return h ^ (h >> 31);
}

/* ------------------------------------------------------------------ configuration */

static int env_off(void)
{
    const char *e = getenv("RNNBENCH_CACHE");
    return e && (strcasecmp(e, "off") == 0 || strcmp(e, "0") == 0 || strcasecmp(e, "no") == 0);
}

int rb_cache_enabled(char *dir, size_t len)
{
    if (env_off())
        return 0;
    const char *d = getenv("RNNBENCH_CACHE_DIR");
    int w;
    if (d && *d) {
        w = snprintf(dir, len, "%s", d);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && xdg[0] == '/')
            w = snprintf(dir, len, "%s/rnnbench", xdg);
        else if (home && home[0] == '/')
            w = snprintf(dir, len, "%s/.cache/rnnbench", home);
        else
            return 0;
    }
    return w > 0 && (size_t)w < len;
}

uint64_t rb_cache_max_bytes(void)
{
    const char *e = getenv("RNNBENCH_CACHE_MAX");
    if (!e || !*e)
        return DEFAULT_MAX_BYTES;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(e, &end, 10);
    if (errno || end == e || e[0] == '-')
        return DEFAULT_MAX_BYTES;
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10, end++;
    else if (*end == 'M' || *end == 'm')
        shift = 20, end++;
    else if (*end == 'G' || *end == 'g')
        shift = 30, end++;
    if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
        return DEFAULT_MAX_BYTES;
    return (uint64_t)v << shift;
}

/* A hash of this executable, so that a rebuilt program (other numerics code) never reads old outputs. */
static const char *build_id(void)
{
    static char id[24];
    if (id[0])
        return id;
    uint64_t h = 0;
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
        size_t n = (size_t)st.st_size;
        unsigned char *buf = malloc(n);
        size_t got = 0;
        while (buf && got < n) {
            ssize_t r = read(fd, buf + got, n - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (buf && got == n)
            h = rb_cache_checksum(buf, n);
        free(buf);
    }
    if (fd >= 0)
        close(fd);
    if (h)
        snprintf(id, sizeof id, "%016" PRIx64, h);
    else /* no /proc: the version string (a rebuild at the same version is not noticed) */
        snprintf(id, sizeof id, "v%.20s", RB_VERSION);
    return id;
}

void rb_cache_key_make(rb_cache_key *k, const rb_problem *p, uint64_t seed, const char *numerics)
{
    snprintf(k->text, sizeof k->text, "rnnbench-output-v1|%s|%s|%d|%d|%d|%d|%" PRIu64 "|%s", build_id(),
             rb_cell_name(p->cell), p->hidden, p->input, p->batch, p->timesteps, seed, numerics);
    k->hash = rb_cache_checksum(k->text, strlen(k->text));
}

void rb_cache_trace(const char *event, const rb_cache_key *k)
{
    const char *path = getenv("RNNBENCH_CACHE_TRACE");
    if (!path || !*path)
        return;
    /* the numerics (last field of the key) names what it is about */
    const char *what = strrchr(k->text, '|');
    char line[256];
    int n = snprintf(line, sizeof line, "%ld %s %s %016" PRIx64 "\n", (long)getpid(), event, what ? what + 1 : "?",
                     k->hash);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (n > 0 && write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
        /* a trace line lost is not worth failing a job */
    }
    close(fd);
}

/* ------------------------------------------------------------------ entries */

static int entry_path(const char *dir, uint64_t hash, char *out, size_t len)
{
    int w = snprintf(out, len, "%s/%016" PRIx64 SUFFIX, dir, hash);
    return w > 0 && (size_t)w < len ? 0 : -1;
}

static int read_full(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Header: magic[8] | header_bytes u32 | key_len u32 | count u64 | data checksum u64 | header checksum u64 | key.
 * The header checksum covers bytes 0..31 and the key. */
static size_t make_header(unsigned char *h, const rb_cache_key *k, size_t count, uint64_t data_sum)
{
    size_t klen = strlen(k->text);
    memcpy(h, MAGIC, 8);
    put_u32(h + 8, (uint32_t)(HEADER_FIXED + klen));
    put_u32(h + 12, (uint32_t)klen);
    put_u64(h + 16, (uint64_t)count);
    put_u64(h + 24, data_sum);
    memcpy(h + HEADER_FIXED, k->text, klen);
    unsigned char tmp[32 + RB_CACHE_KEY_MAX];
    memcpy(tmp, h, 32);
    memcpy(tmp + 32, k->text, klen);
    put_u64(h + 32, rb_cache_checksum(tmp, 32 + klen));
    return HEADER_FIXED + klen;
}

/* Deletes a damaged entry, but only if the path still names the file we read (a writer may have just renamed a
 * fresh one into place). */
static void drop_damaged(const char *path, int fd)
{
    struct stat a, b;
    if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        unlink(path);
}

typedef enum { READ_HIT, READ_ABSENT, READ_OTHER_KEY, READ_DAMAGED } read_result;

static read_result read_entry(const char *path, const rb_cache_key *k, float *y, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return READ_ABSENT;
    read_result rr = READ_DAMAGED;
    struct stat st;
    unsigned char h[HEADER_FIXED + RB_CACHE_KEY_MAX];
    size_t klen = strlen(k->text);
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < HEADER_FIXED || read_full(fd, h, HEADER_FIXED) != 0 ||
        memcmp(h, MAGIC, 8) != 0)
        goto out;
    uint32_t hbytes = get_u32(h + 8), fklen = get_u32(h + 12);
    uint64_t count = get_u64(h + 16), sum = get_u64(h + 24), hsum = get_u64(h + 32);
    if (fklen >= RB_CACHE_KEY_MAX || hbytes != HEADER_FIXED + fklen || read_full(fd, h + HEADER_FIXED, fklen) != 0)
        goto out;
    unsigned char tmp[32 + RB_CACHE_KEY_MAX];
    memcpy(tmp, h, 32);
    memcpy(tmp + 32, h + HEADER_FIXED, fklen);
    if (rb_cache_checksum(tmp, 32 + fklen) != hsum)
        goto out;
    if (fklen != klen || memcmp(h + HEADER_FIXED, k->text, klen) != 0) {
        rr = READ_OTHER_KEY; /* a sound entry of another key with the same hash: leave it */
        goto out;
    }
    if (count != (uint64_t)len || (uint64_t)st.st_size != hbytes + count * sizeof(float) ||
        read_full(fd, y, len * sizeof(float)) != 0 || rb_cache_checksum(y, len * sizeof(float)) != sum)
        goto out;
    rr = READ_HIT;
    futimens(fd, NULL); /* recently used: the size policy removes the least recently used first */
out:
    if (rr == READ_DAMAGED)
        drop_damaged(path, fd);
    close(fd);
    return rr;
}

int rb_cache_get(const rb_cache_key *k, float *y, size_t len)
{
    char dir[4096], path[4200];
    if (!rb_cache_enabled(dir, sizeof dir) || entry_path(dir, k->hash, path, sizeof path) != 0)
        return -1;
    read_result rr = read_entry(path, k, y, len);
    rb_cache_trace(rr == READ_HIT ? "hit" : rr == READ_DAMAGED ? "corrupt" : "miss", k);
    return rr == READ_HIT ? 0 : -1;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char p[4096];
    int w = snprintf(p, sizeof p, "%s", dir);
    if (w <= 0 || (size_t)w >= sizeof p)
        return -1;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                return -1;
            *s = '/';
        }
    return mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int is_entry(const char *name)
{
    size_t n = strlen(name);
    return n == 16 + strlen(SUFFIX) && strcmp(name + 16, SUFFIX) == 0 && strspn(name, "0123456789abcdef") == 16;
}

static int is_temp(const char *name) { return strncmp(name, TEMP_PREFIX, strlen(TEMP_PREFIX)) == 0; }

typedef struct entry_info {
    char name[32];
    uint64_t bytes;
    struct timespec used;
} entry_info;

static int older(const void *a, const void *b)
{
    const entry_info *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    return x->used.tv_nsec < y->used.tv_nsec ? -1 : x->used.tv_nsec > y->used.tv_nsec;
}

/* The size policy: temporary files of dead writers go, then the least recently used entries until the total is
 * within the cap. */
static void enforce_cap(const char *dir, uint64_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    entry_info *e = NULL;
    size_t n = 0, capn = 0;
    uint64_t total = 0;
    time_t now = time(NULL);
    char path[4200];
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        struct stat st;
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path || stat(path, &st) != 0)
            continue;
        if (is_temp(de->d_name)) {
            if (now - st.st_mtime > STALE_TEMP_S)
                unlink(path);
            continue;
        }
        if (!is_entry(de->d_name))
            continue;
        if (n == capn) {
            size_t nc = capn ? 2 * capn : 64;
            entry_info *bigger = realloc(e, nc * sizeof *e);
            if (!bigger)
                break;
            e = bigger;
            capn = nc;
        }
        memcpy(e[n].name, de->d_name, 21); /* an entry name: 16 hex digits + ".rbc" + NUL */
        e[n].bytes = (uint64_t)st.st_size;
        e[n].used = st.st_mtim;
        total += e[n].bytes;
        n++;
    }
    closedir(d);
    if (total > cap && n > 0) {
        qsort(e, n, sizeof *e, older);
        for (size_t i = 0; i < n && total > cap; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, e[i].name);
            if (unlink(path) == 0 || errno == ENOENT)
                total -= e[i].bytes;
        }
    }
    free(e);
}

int rb_cache_put(const rb_cache_key *k, const float *y, size_t len)
{
    char dir[4096], path[4200], tmp[4300];
    if (!rb_cache_enabled(dir, sizeof dir) || entry_path(dir, k->hash, path, sizeof path) != 0)
        return -1;
    uint64_t cap = rb_cache_max_bytes();
    size_t data = len * sizeof(float);
    if (len > SIZE_MAX / sizeof(float) || (uint64_t)data + HEADER_FIXED + RB_CACHE_KEY_MAX > cap)
        return -1;
    if (make_dirs(dir) != 0)
        return -1;
    static unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(tmp, sizeof tmp, "%s/" TEMP_PREFIX "%016" PRIx64 "-%ld-%u-%ld", dir, k->hash, (long)getpid(), counter++,
             (long)ts.tv_nsec);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    unsigned char h[HEADER_FIXED + RB_CACHE_KEY_MAX];
    size_t hl = make_header(h, k, len, rb_cache_checksum(y, data));
    size_t half = data / 2;
    int ok = write_full(fd, h, hl) == 0 && write_full(fd, y, half) == 0;
    if (ok && rb_cache_test_write_hook)
        rb_cache_test_write_hook();
    ok = ok && write_full(fd, (const unsigned char *)y + half, data - half) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    rb_cache_trace("store", k);
    enforce_cap(dir, cap);
    return 0;
}

/* ------------------------------------------------------------------ statistics and clear */

int rb_cache_stats_read(const char *dir, rb_cache_stats *st)
{
    memset(st, 0, sizeof *st);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    char path[4200];
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        struct stat s;
        int entry = is_entry(de->d_name), temp = is_temp(de->d_name);
        if (!entry && !temp)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path || stat(path, &s) != 0)
            continue;
        if (entry) {
            st->entries++;
            st->bytes += (uint64_t)s.st_size;
        } else {
            st->temporaries++;
        }
    }
    closedir(d);
    return 0;
}

int rb_cache_clear(const char *dir, size_t *removed)
{
    *removed = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    char path[4200];
    int rc = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (!is_entry(de->d_name) && !is_temp(de->d_name))
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        if (unlink(path) == 0)
            (*removed)++;
        else if (errno != ENOENT)
            rc = -1;
    }
    closedir(d);
    return rc;
}
