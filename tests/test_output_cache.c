/* tests/test_output_cache.c — the on-disk output cache (harness/output_cache.c) and its use by the job executor:
 * hit and miss; a damaged entry (flipped byte, truncated, garbage) is detected, deleted and recomputed; a writer
 * killed halfway leaves no usable entry; two writer processes of one key leave one whole entry; the size cap; the
 * off switch; brainwave served from the cache (prepared without weights, report without run) gives the same row,
 * with nothing computed; a cached output is checked against the reference like a fresh one; `rnnbench cache`.
 * Every test uses its own private directory (RNNBENCH_CACHE_DIR under the build tree). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check_main.h"
#include "execute.h"
#include "output_cache.h"
#include "problem_data.h"
#include "registry.h"

static char dir[400], trace[420];

/* A fresh private cache directory and trace file for one test. */
static void private_cache(const char *name)
{
    ck_assert_int_lt(snprintf(dir, sizeof dir, "%s/output-cache-test/%.40s", RB_TEST_TMPDIR, name), (int)sizeof dir);
    snprintf(trace, sizeof trace, "%s.trace", dir);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' && mkdir -p '%s'", dir, trace, dir);
    ck_assert_int_eq(system(cmd), 0);
    setenv("RNNBENCH_CACHE_DIR", dir, 1);
    setenv("RNNBENCH_CACHE_TRACE", trace, 1);
    unsetenv("RNNBENCH_CACHE");
    unsetenv("RNNBENCH_CACHE_MAX");
    rb_pdata_clear();
}

/* Lines of the trace file with this event (and, when given, this numerics). */
static int trace_count(const char *event, const char *numerics)
{
    FILE *f = fopen(trace, "r");
    if (!f)
        return 0;
    char line[512], ev[64], what[256];
    long pid;
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%ld %63s %255s", &pid, ev, what) == 3 && strcmp(ev, event) == 0 &&
            (!numerics || strncmp(what, numerics, strlen(numerics)) == 0))
            n++;
    fclose(f);
    return n;
}

static rb_problem small_problem(void)
{
    rb_problem p;
    memset(&p, 0, sizeof p);
    p.cell = RB_CELL_GRU;
    p.hidden = 24;
    p.input = 16;
    p.batch = 2;
    p.timesteps = 7;
    snprintf(p.name, sizeof p.name, "cache-gru");
    return p;
}

static float *ramp(size_t n, float scale)
{
    float *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = scale * (float)i - 3.0f;
    return y;
}

static void entry_file(const rb_cache_key *k, char *path, size_t len)
{
    snprintf(path, len, "%s/%016llx.rbc", dir, (unsigned long long)k->hash);
}

START_TEST(hit_and_miss)
{
    private_cache("hit_and_miss");
    rb_problem p = small_problem();
    rb_cache_key k, other;
    rb_cache_key_make(&k, &p, 42, "test:a");
    rb_cache_key_make(&other, &p, 43, "test:a"); /* another seed */
    ck_assert(k.hash != other.hash);
    size_t n = rb_output_len(&p);
    float *y = ramp(n, 0.25f), *got = calloc(n, sizeof *got);
    ck_assert_int_eq(rb_cache_get(&k, got, n), -1);
    ck_assert_int_eq(rb_cache_put(&k, y, n), 0);
    ck_assert_int_eq(rb_cache_get(&k, got, n), 0);
    ck_assert_mem_eq(got, y, n * sizeof *y);
    ck_assert_int_eq(rb_cache_get(&other, got, n), -1);
    rb_cache_key_make(&other, &p, 42, "test:b"); /* another numerics */
    ck_assert_int_eq(rb_cache_get(&other, got, n), -1);
    ck_assert_int_eq(trace_count("hit", NULL), 1);
    ck_assert_int_eq(trace_count("miss", NULL), 3);
    ck_assert_int_eq(trace_count("store", NULL), 1);
    rb_cache_stats st;
    ck_assert_int_eq(rb_cache_stats_read(dir, &st), 0);
    ck_assert_uint_eq(st.entries, 1);
    ck_assert_uint_eq(st.temporaries, 0);
    ck_assert(st.bytes > n * sizeof(float));
    free(y);
    free(got);
}
END_TEST

/* Damages the entry file at path: flip one byte at offset, or truncate to keep bytes, or replace with garbage. */
static void damage(const char *path, long offset, long keep, int garbage)
{
    if (garbage) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs("not an entry at all", f);
        fclose(f);
        return;
    }
    if (keep >= 0) {
        ck_assert_int_eq(truncate(path, keep), 0);
        return;
    }
    int fd = open(path, O_RDWR);
    ck_assert_int_ge(fd, 0);
    unsigned char c;
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    if (offset < 0)
        offset += st.st_size;
    ck_assert_int_eq(pread(fd, &c, 1, offset), 1);
    c ^= 0x40;
    ck_assert_int_eq(pwrite(fd, &c, 1, offset), 1);
    close(fd);
}

START_TEST(damaged_entries_detected)
{
    private_cache("damaged");
    rb_problem p = small_problem();
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, "test:damage");
    size_t n = rb_output_len(&p);
    float *y = ramp(n, 0.5f), *got = calloc(n, sizeof *got);
    char path[700];
    entry_file(&k, path, sizeof path);
    struct { long offset, keep; int garbage; } cases[] = {
        {-5, -1, 0},  /* a data byte */
        {20, -1, 0},  /* the element count in the header */
        {50, -1, 0},  /* the key text */
        {0, 100, 0},  /* truncated inside the data */
        {0, 30, 0},   /* truncated inside the header */
        {0, -1, 1},   /* garbage */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(rb_cache_put(&k, y, n), 0);
        damage(path, cases[i].offset, cases[i].keep, cases[i].garbage);
        ck_assert_msg(rb_cache_get(&k, got, n) == -1, "damage case %zu served", i);
        ck_assert_msg(access(path, F_OK) != 0, "damage case %zu: the damaged entry is still there", i);
    }
    ck_assert_int_eq(trace_count("corrupt", NULL), (int)(sizeof cases / sizeof cases[0]));
    ck_assert_int_eq(rb_cache_put(&k, y, n), 0);
    ck_assert_int_eq(rb_cache_get(&k, got, n), 0);
    ck_assert_mem_eq(got, y, n * sizeof *y);
    free(y);
    free(got);
}
END_TEST

/* The reference through problem_data: computed once and stored; a damaged entry is recomputed, same bits. */
START_TEST(damaged_reference_recomputed)
{
    private_cache("damaged_reference");
    rb_problem p = small_problem();
    size_t n = rb_output_len(&p);
    const float *ref = NULL;
    ck_assert_int_eq(rb_pdata_reference(&p, 42, 0, &ref), -1); /* not computed, not cached */
    ck_assert_int_eq(rb_pdata_reference(&p, 42, 1, &ref), 0);
    float *first = malloc(n * sizeof *first);
    memcpy(first, ref, n * sizeof *first);
    ck_assert_int_eq(trace_count("compute", "reference:fp32"), 1);
    rb_pdata_clear();
    ck_assert_int_eq(rb_pdata_reference(&p, 42, 0, &ref), 0); /* from disk */
    ck_assert_mem_eq(ref, first, n * sizeof *first);
    ck_assert_int_eq(trace_count("compute", "reference:fp32"), 1);
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, "reference:fp32");
    char path[700];
    entry_file(&k, path, sizeof path);
    damage(path, -9, -1, 0);
    rb_pdata_clear();
    ck_assert_int_eq(rb_pdata_reference(&p, 42, 1, &ref), 0);
    ck_assert_mem_eq(ref, first, n * sizeof *first);
    ck_assert_int_eq(trace_count("corrupt", "reference:fp32"), 1);
    ck_assert_int_eq(trace_count("compute", "reference:fp32"), 2);
    free(first);
    rb_pdata_clear();
}
END_TEST

static void stop_myself(void) { raise(SIGSTOP); }

START_TEST(killed_writer_leaves_no_entry)
{
    private_cache("killed_writer");
    rb_problem p = small_problem();
    p.timesteps = 4000; /* a few MB */
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, "test:killed");
    size_t n = rb_output_len(&p);
    float *y = ramp(n, 0.125f), *got = calloc(n, sizeof *got);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        rb_cache_test_write_hook = stop_myself; /* stops halfway through the data; the parent kills it there */
        rb_cache_put(&k, y, n);
        _exit(0);
    }
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, WUNTRACED), pid);
    ck_assert(WIFSTOPPED(st));
    rb_cache_stats s;
    ck_assert_int_eq(rb_cache_stats_read(dir, &s), 0);
    ck_assert_uint_eq(s.temporaries, 1); /* the half-written file exists... */
    ck_assert_uint_eq(s.entries, 0);
    kill(pid, SIGKILL);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    ck_assert_int_eq(rb_cache_get(&k, got, n), -1); /* ...and is never read as an entry */
    ck_assert_int_eq(rb_cache_stats_read(dir, &s), 0);
    ck_assert_uint_eq(s.entries, 0);
    ck_assert_uint_eq(s.temporaries, 1);
    ck_assert_int_eq(rb_cache_put(&k, y, n), 0); /* a later writer succeeds */
    ck_assert_int_eq(rb_cache_get(&k, got, n), 0);
    ck_assert_mem_eq(got, y, n * sizeof *y);
    size_t removed = 0;
    ck_assert_int_eq(rb_cache_clear(dir, &removed), 0);
    ck_assert_uint_eq(removed, 2); /* the entry and the dead writer's temporary file */
    ck_assert_int_eq(rb_cache_stats_read(dir, &s), 0);
    ck_assert_uint_eq(s.entries + s.temporaries, 0);
    free(y);
    free(got);
}
END_TEST

START_TEST(concurrent_writers_agree)
{
    private_cache("concurrent");
    rb_problem p = small_problem();
    p.timesteps = 2000;
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, "test:concurrent");
    size_t n = rb_output_len(&p);
    float *y = ramp(n, 0.75f);
    pid_t kids[2];
    for (int c = 0; c < 2; c++) {
        kids[c] = fork();
        ck_assert_int_ge(kids[c], 0);
        if (kids[c] == 0) {
            float *got = calloc(n, sizeof *got);
            int bad = 0;
            for (int i = 0; i < 40; i++) {
                bad += rb_cache_put(&k, y, n) != 0;
                if (rb_cache_get(&k, got, n) == 0) /* a hit is always the whole, right entry */
                    bad += memcmp(got, y, n * sizeof *y) != 0;
            }
            _exit(bad ? 1 : 0);
        }
    }
    for (int c = 0; c < 2; c++) {
        int st = 0;
        ck_assert_int_eq(waitpid(kids[c], &st, 0), kids[c]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d saw a failed store or a wrong entry", c);
    }
    rb_cache_stats s;
    ck_assert_int_eq(rb_cache_stats_read(dir, &s), 0);
    ck_assert_uint_eq(s.entries, 1);
    ck_assert_uint_eq(s.temporaries, 0);
    float *got = calloc(n, sizeof *got);
    ck_assert_int_eq(rb_cache_get(&k, got, n), 0);
    ck_assert_mem_eq(got, y, n * sizeof *y);
    ck_assert_int_eq(trace_count("corrupt", NULL), 0);
    free(got);
    free(y);
}
END_TEST

START_TEST(size_cap_removes_least_recently_used)
{
    private_cache("size_cap");
    rb_problem p = small_problem();
    size_t n = 25000; /* 100 KB entries */
    setenv("RNNBENCH_CACHE_MAX", "350K", 1);
    ck_assert_uint_eq(rb_cache_max_bytes(), 350u * 1024u);
    rb_cache_key k[5];
    float *y = ramp(n, 1.0f), *got = calloc(n, sizeof *got);
    char name[16];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "test:%d", i);
        rb_cache_key_make(&k[i], &p, 42, name);
        ck_assert_int_eq(rb_cache_put(&k[i], y, n), 0);
        if (i == 2) { /* touch entry 0: recently used */
            sleep(1);
            ck_assert_int_eq(rb_cache_get(&k[0], got, n), 0);
        }
        if (i == 1)
            sleep(1); /* distinct modification times */
    }
    rb_cache_stats s;
    ck_assert_int_eq(rb_cache_stats_read(dir, &s), 0);
    ck_assert_uint_le(s.bytes, 350u * 1024u);
    ck_assert_uint_eq(s.entries, 3);
    ck_assert_int_eq(rb_cache_get(&k[0], got, n), 0); /* used recently: kept */
    ck_assert_int_eq(rb_cache_get(&k[1], got, n), -1); /* least recently used: gone */
    ck_assert_int_eq(rb_cache_get(&k[4], got, n), 0);
    float *big = calloc(200000, sizeof *big); /* 800 KB: over the cap by itself, not stored */
    ck_assert_int_eq(rb_cache_put(&k[1], big, 200000), -1);
    setenv("RNNBENCH_CACHE_MAX", "12X", 1); /* unreadable: the default */
    ck_assert_uint_eq(rb_cache_max_bytes(), 4ull << 30);
    unsetenv("RNNBENCH_CACHE_MAX");
    free(big);
    free(y);
    free(got);
}
END_TEST

START_TEST(off_switch)
{
    private_cache("off");
    setenv("RNNBENCH_CACHE", "off", 1);
    char d[512];
    ck_assert_int_eq(rb_cache_enabled(d, sizeof d), 0);
    rb_problem p = small_problem();
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, "test:off");
    size_t n = rb_output_len(&p);
    float *y = ramp(n, 1.0f);
    ck_assert_int_eq(rb_cache_put(&k, y, n), -1);
    ck_assert_int_eq(rb_cache_get(&k, y, n), -1);
    unsetenv("RNNBENCH_CACHE");
    rb_cache_stats s;
    ck_assert_int_eq(rb_cache_stats_read(dir, &s), 0);
    ck_assert_uint_eq(s.entries, 0);
    /* the default location, without RNNBENCH_CACHE_DIR */
    unsetenv("RNNBENCH_CACHE_DIR");
    setenv("XDG_CACHE_HOME", "/some/xdg", 1);
    ck_assert_int_eq(rb_cache_enabled(d, sizeof d), 1);
    ck_assert_str_eq(d, "/some/xdg/rnnbench");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    ck_assert_int_eq(rb_cache_enabled(d, sizeof d), 1);
    ck_assert_str_eq(d, "/home/someone/.cache/rnnbench");
    free(y);
}
END_TEST

static int backend_index(const char *name)
{
    for (size_t i = 0; i < rb_backend_count(); i++)
        if (strcmp(rb_backend_at(i)->name, name) == 0)
            return (int)i;
    return -1;
}

static rb_job brainwave_job(const rb_problem *p)
{
    int idx = backend_index("brainwave");
    ck_assert_int_ge(idx, 0);
    static const rb_options opt; /* no options; the job points at them, so they outlive this function */
    rb_job *jobs = NULL;
    size_t n = 0, dups = 0;
    ck_assert_int_eq(rb_jobs_build(p, 1, &idx, &opt, 1, 42, &jobs, &n, &dups), 0);
    rb_job j = jobs[0];
    free(jobs);
    return j;
}

static rb_record run_job(const rb_job *j)
{
    rb_exec_config cfg;
    memset(&cfg, 0, sizeof cfg);
    rb_timing_policy_default(&cfg.timing);
    cfg.host = "test";
    rb_record rec;
    double *samples = NULL;
    size_t ns = 0;
    rb_execute_job(j, &cfg, &rec, &samples, &ns);
    free(samples);
    return rec;
}

/* brainwave's output served from the cache: nothing computed, the same row as a computed one (extras marked). */
START_TEST(brainwave_served_from_cache)
{
    private_cache("brainwave");
    rb_problem p = small_problem();
    rb_job j = brainwave_job(&p);
    rb_record first = run_job(&j);
    ck_assert_msg(strcmp(first.status, "ok") == 0, "%s", first.message);
    ck_assert_int_eq(trace_count("compute", "reference:fp32"), 1);
    ck_assert_int_eq(trace_count("compute", "brainwave:"), 1);
    ck_assert_int_eq(trace_count("store", NULL), 2);
    ck_assert(strncmp(first.extras, "output=cache", 12) != 0);
    rb_pdata_clear(); /* a new process, as far as memory goes */
    rb_record second = run_job(&j);
    ck_assert_msg(strcmp(second.status, "ok") == 0, "%s", second.message);
    ck_assert_int_eq(trace_count("compute", NULL), 2); /* nothing new computed */
    ck_assert_int_eq(trace_count("hit", "brainwave:"), 1);
    ck_assert_int_eq(trace_count("hit", "reference:fp32"), 1);
    ck_assert_double_eq(second.max_abs_err, first.max_abs_err);
    ck_assert_double_eq(second.max_rel_err, first.max_rel_err);
    ck_assert_double_eq(second.lat_median_ms, first.lat_median_ms);
    ck_assert_double_eq(second.energy_j, first.energy_j);
    ck_assert_str_eq(second.device, first.device);
    char want[sizeof first.extras + 16];
    snprintf(want, sizeof want, "output=cache;%s", first.extras);
    ck_assert_int_eq(strncmp(second.extras, want, sizeof second.extras - 1), 0);
    /* another architecture file with the same numerics (twice the clock, 8 tiles): still served, other latency */
    char arch[RB_OPT_VAL_MAX], cmd[1600];
    ck_assert_int_lt((int)strlen(dir) + 12, (int)sizeof arch);
    snprintf(arch, sizeof arch, "%.200s/faster.arch", dir);
    snprintf(cmd, sizeof cmd,
             "sed -e 's/^clock_mhz = 250 /clock_mhz = 500 /' -e 's/^tiles = 6 /tiles = 8 /' "
             "'%s/backends/brainwave/bw_s10.arch' > '%s'", RB_SOURCE_DIR, arch);
    ck_assert_int_eq(system(cmd), 0);
    rb_pdata_clear();
    rb_job faster = j;
    rb_options fopts = *j.opts;
    faster.opts = &fopts;
    snprintf(fopts.key[0], RB_OPT_KEY_MAX, "arch");
    snprintf(fopts.val[0], RB_OPT_VAL_MAX, "%s", arch);
    fopts.n = 1;
    rb_record third = run_job(&faster);
    ck_assert_msg(strcmp(third.status, "ok") == 0, "%s", third.message);
    ck_assert_int_eq(trace_count("compute", NULL), 2);
    ck_assert(strncmp(third.extras, "output=cache", 12) == 0);
    ck_assert(third.lat_median_ms < 0.75 * first.lat_median_ms);
    ck_assert_double_eq(third.max_rel_err, first.max_rel_err);
    /* another format is other numerics: computed */
    snprintf(fopts.key[1], RB_OPT_KEY_MAX, "format");
    snprintf(fopts.val[1], RB_OPT_VAL_MAX, "ms-fp9");
    fopts.n = 2;
    rb_record fourth = run_job(&faster);
    ck_assert_str_eq(fourth.status, "ok");
    ck_assert_int_eq(trace_count("compute", "brainwave:ms-fp9"), 1);
    ck_assert(fourth.max_rel_err < first.max_rel_err); /* 3 mantissa bits beat 2 */
    rb_pdata_clear();
}
END_TEST

/* The output cached but its reference gone (evicted, cleared by hand): only the reference is computed again. */
START_TEST(reference_gone_output_still_served)
{
    private_cache("reference_gone");
    rb_problem p = small_problem();
    rb_job j = brainwave_job(&p);
    rb_record first = run_job(&j);
    ck_assert_str_eq(first.status, "ok");
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, "reference:fp32");
    char path[700];
    entry_file(&k, path, sizeof path);
    ck_assert_int_eq(unlink(path), 0);
    rb_pdata_clear();
    rb_record second = run_job(&j);
    ck_assert_str_eq(second.status, "ok");
    ck_assert(strncmp(second.extras, "output=cache", 12) == 0);
    ck_assert_int_eq(trace_count("compute", "reference:fp32"), 2);
    ck_assert_int_eq(trace_count("compute", "brainwave:"), 1);
    ck_assert_double_eq(second.max_rel_err, first.max_rel_err);
    rb_pdata_clear();
}
END_TEST

/* A cached output goes through the same check as a fresh one: an entry of zeros gives max_rel_err 1. */
START_TEST(cached_output_is_checked)
{
    private_cache("checked");
    rb_problem p = small_problem();
    rb_job j = brainwave_job(&p);
    rb_record fresh = run_job(&j);
    ck_assert_str_eq(fresh.status, "ok");
    ck_assert(fresh.max_rel_err < 0.6);
    const rb_backend *b = rb_backend_at((size_t)j.backend_index);
    char id[200], numerics[240];
    ck_assert_int_eq(b->numerics_id(j.opts, id, sizeof id), 0);
    snprintf(numerics, sizeof numerics, "brainwave:%s", id);
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, numerics);
    size_t n = rb_output_len(&p);
    float *zeros = calloc(n, sizeof *zeros);
    ck_assert_int_eq(rb_cache_put(&k, zeros, n), 0); /* a sound entry with a wrong output */
    rb_pdata_clear();
    rb_record served = run_job(&j);
    ck_assert(strncmp(served.extras, "output=cache", 12) == 0);
    ck_assert_double_eq_tol(served.max_rel_err, 1.0, 1e-12);
    ck_assert_str_eq(served.status, "inaccurate"); /* over brainwave's declared bound */
    ck_assert(served.max_abs_err > 0.01);
    free(zeros);
    rb_pdata_clear();
}
END_TEST

/* The backend contract: prepared without weights, brainwave's report() works and run() refuses. */
START_TEST(brainwave_report_without_run)
{
    const rb_backend *b = rb_backend_at((size_t)backend_index("brainwave"));
    rb_problem p = small_problem();
    rb_options opt;
    memset(&opt, 0, sizeof opt);
    void *with = NULL, *without = NULL;
    rb_status st = {{0}};
    rb_weights w;
    ck_assert_int_eq(rb_weights_init(&w, &p, 42), 0);
    ck_assert_int_eq(b->prepare(&p, &w, &opt, &with, &st), 0);
    ck_assert_int_eq(b->prepare(&p, NULL, &opt, &without, &st), 0);
    rb_metrics a, c;
    rb_metrics_init(&a);
    rb_metrics_init(&c);
    ck_assert_int_eq(b->report(with, NULL, &a, &st), 0);
    ck_assert_int_eq(b->report(without, NULL, &c, &st), 0);
    ck_assert_double_eq(a.latency_ms, c.latency_ms);
    ck_assert_double_eq(a.energy_j, c.energy_j);
    ck_assert_int_eq(a.n_extras, c.n_extras);
    for (int i = 0; i < a.n_extras; i++) {
        ck_assert_str_eq(a.extra_key[i], c.extra_key[i]);
        ck_assert_str_eq(a.extra_val[i], c.extra_val[i]);
    }
    float y[2 * 7 * 24];
    double dev = -1;
    ck_assert_int_eq(b->run(without, NULL, y, &dev, &st), -1);
    ck_assert_ptr_nonnull(strstr(st.msg, "without weights"));
    b->release(with);
    b->release(without);
    rb_weights_free(&w);
}
END_TEST

/* `rnnbench cache info|clear`, and a bad action exits 2. */
START_TEST(cache_command)
{
    private_cache("command");
    rb_problem p = small_problem();
    rb_cache_key k;
    rb_cache_key_make(&k, &p, 42, "test:cmd");
    size_t n = rb_output_len(&p);
    float *y = ramp(n, 1.0f);
    ck_assert_int_eq(rb_cache_put(&k, y, n), 0);
    char cmd[1400], out[700];
    snprintf(out, sizeof out, "%s/cmd.out", RB_TEST_TMPDIR);
    snprintf(cmd, sizeof cmd, "%s cache info > '%s' 2>&1", RB_BINARY, out);
    ck_assert_int_eq(system(cmd), 0);
    FILE *f = fopen(out, "r");
    char text[2048] = "";
    size_t got = fread(text, 1, sizeof text - 1, f);
    text[got] = '\0';
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, dir));
    ck_assert_ptr_nonnull(strstr(text, "entries:      1"));
    snprintf(cmd, sizeof cmd, "%s cache clear > '%s' 2>&1", RB_BINARY, out);
    ck_assert_int_eq(system(cmd), 0);
    rb_cache_stats s;
    ck_assert_int_eq(rb_cache_stats_read(dir, &s), 0);
    ck_assert_uint_eq(s.entries, 0);
    snprintf(cmd, sizeof cmd, "%s cache frobnicate > '%s' 2>&1", RB_BINARY, out);
    int rc = system(cmd);
    ck_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
    free(y);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("output_cache");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, hit_and_miss);
    tcase_add_test(tc, damaged_entries_detected);
    tcase_add_test(tc, damaged_reference_recomputed);
    tcase_add_test(tc, killed_writer_leaves_no_entry);
    tcase_add_test(tc, concurrent_writers_agree);
    tcase_add_test(tc, size_cap_removes_least_recently_used);
    tcase_add_test(tc, off_switch);
    tcase_add_test(tc, brainwave_served_from_cache);
    tcase_add_test(tc, cached_output_is_checked);
    tcase_add_test(tc, reference_gone_output_still_served);
    tcase_add_test(tc, brainwave_report_without_run);
    tcase_add_test(tc, cache_command);
    suite_add_tcase(s, tc);
    return rb_check_run(s);
}
