/* harness/executor.c — runs jobs in a forked child process or inline, and packs results (see executor.h). */
#define _GNU_SOURCE /* ppoll, prctl */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "executor.h"
#include "registry.h"
#include "timing.h"

typedef struct rb_result_header {
    int32_t job;
    int32_t reserved;
    uint64_t nsamples;
} rb_result_header;

int rb_result_pack(const rb_job_result *r, void **buf, size_t *len)
{
    size_t n = sizeof(rb_result_header) + sizeof(rb_record) + r->nsamples * sizeof(double);
    unsigned char *b = malloc(n);
    if (!b)
        return -1;
    rb_result_header h = {(int32_t)r->job, 0, (uint64_t)r->nsamples};
    memcpy(b, &h, sizeof h);
    memcpy(b + sizeof h, &r->rec, sizeof(rb_record));
    if (r->nsamples)
        memcpy(b + sizeof h + sizeof(rb_record), r->samples, r->nsamples * sizeof(double));
    *buf = b;
    *len = n;
    return 0;
}

int rb_result_unpack(const void *buf, size_t len, rb_job_result *r)
{
    const unsigned char *b = buf;
    rb_result_header h;
    if (len < sizeof h + sizeof(rb_record))
        return -1;
    memcpy(&h, b, sizeof h);
    if (h.nsamples > (len - sizeof h - sizeof(rb_record)) / sizeof(double) ||
        len != sizeof h + sizeof(rb_record) + h.nsamples * sizeof(double))
        return -1;
    r->job = h.job;
    memcpy(&r->rec, b + sizeof h, sizeof(rb_record));
    r->rec.key[RB_KEY_LEN - 1] = '\0';
    r->nsamples = (size_t)h.nsamples;
    r->samples = NULL;
    if (r->nsamples) {
        r->samples = malloc(r->nsamples * sizeof(double));
        if (!r->samples)
            return -1;
        memcpy(r->samples, b + sizeof h + sizeof(rb_record), r->nsamples * sizeof(double));
    }
    return 0;
}

void rb_result_synth(rb_job_result *r, const rb_job *job, int j, const char *status, const char *host, int rank,
                     const char *fmt, ...)
{
    memset(r, 0, sizeof *r);
    r->job = j;
    rb_record_init(&r->rec);
    rb_record_from_job(&r->rec, job);
    snprintf(r->rec.status, sizeof r->rec.status, "%s", status);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->rec.message, sizeof r->rec.message, fmt, ap);
    va_end(ap);
    snprintf(r->rec.host, sizeof r->rec.host, "%s", host ? host : "");
    r->rec.rank = rank;
    r->rec.timestamp = rb_wall_time();
}

static int write_full(int fd, const void *p, size_t n)
{
    const unsigned char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *p, size_t n)
{
    unsigned char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Testing knob: RNNBENCH_TEST_STALL_WORKLOAD=name makes the executor hang (as a stuck backend would) on jobs of
 * that workload, to exercise the hard job timeout. */
static int stall_on(const rb_job *job)
{
    const char *w = getenv("RNNBENCH_TEST_STALL_WORKLOAD");
    return w && *w && strcmp(w, job->problem.name) == 0;
}

static int run_job(const rb_executor *e, int j, rb_job_result *r)
{
    memset(r, 0, sizeof *r);
    r->job = j;
    if (rb_execute_job(&e->jobs[j], &e->cfg, &r->rec, &r->samples, &r->nsamples) != 0) {
        free(r->samples);
        rb_result_synth(r, &e->jobs[j], j, "failed", e->cfg.host, e->cfg.rank,
                        "harness out of memory while running the job");
        return -1;
    }
    return 0;
}

static void child_main(rb_executor *e, int rfd, int wfd, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    signal(SIGINT, SIG_IGN);  /* the rank (or rank 0) decides what an interrupt means */
    signal(SIGTERM, SIG_IGN); /* it kills us when it has to; PDEATHSIG covers its own death */
    signal(SIGPIPE, SIG_DFL);
    rb_caps caps;
    memset(&caps, 0, sizeof caps);
    rb_caps_probe(&caps, e->cfg.rank);
    if (write_full(wfd, &caps, sizeof caps) != 0)
        _exit(1);
    for (;;) {
        int32_t j;
        if (read_full(rfd, &j, sizeof j) != 0)
            _exit(0); /* pipe closed: the rank is done with us */
        if (j < 0 || (size_t)j >= e->njobs)
            _exit(2);
        if (stall_on(&e->jobs[j]))
            for (;;)
                pause();
        rb_job_result r;
        run_job(e, j, &r);
        void *buf = NULL;
        size_t len = 0;
        if (rb_result_pack(&r, &buf, &len) != 0)
            _exit(3);
        uint64_t len64 = len;
        if (write_full(wfd, &len64, sizeof len64) != 0 || write_full(wfd, buf, len) != 0)
            _exit(0);
        free(buf);
        free(r.samples);
    }
}

static int start_child(rb_executor *e, rb_caps *caps)
{
    int down[2], up[2];
    if (pipe(down) != 0)
        return -1;
    if (pipe(up) != 0) {
        close(down[0]);
        close(down[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(down[0]);
        close(down[1]);
        close(up[0]);
        close(up[1]);
        return -1;
    }
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        child_main(e, down[0], up[1], parent);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    e->pid = pid;
    e->to_child = down[1];
    e->from_child = up[0];
    rb_caps got;
    /* probes can take a while (CUDA initialisation); a child that never answers is a broken executor */
    if (rb_executor_wait(e, 300.0) != 1 || read_full(e->from_child, &got, sizeof got) != 0) {
        rb_executor_kill(e, 0, NULL, 0);
        return -1;
    }
    if (caps) {
        caps->rank = got.rank;
        caps->nb = got.nb;
        memcpy(caps->ok, got.ok, sizeof got.ok);
        memcpy(caps->why, got.why, sizeof got.why);
    }
    return 0;
}

int rb_executor_start(rb_executor *e, const rb_job *jobs, size_t n, const rb_exec_config *cfg, int forked,
                      rb_caps *caps)
{
    memset(e, 0, sizeof *e);
    e->jobs = jobs;
    e->njobs = n;
    e->cfg = *cfg;
    e->pid = -1;
    e->to_child = e->from_child = -1;
    if (forked && start_child(e, caps) == 0) {
        e->forked = 1;
        return 0;
    }
    if (forked)
        fprintf(stderr, "rnnbench: rank %d: could not start an executor process; running jobs inline "
                        "(no hard job timeout)\n", cfg->rank);
    e->forked = 0;
    if (caps)
        rb_caps_probe(caps, cfg->rank);
    return 0;
}

int rb_executor_send(rb_executor *e, int j)
{
    int32_t v = j;
    return e->forked ? write_full(e->to_child, &v, sizeof v) : -1;
}

int rb_executor_wait(rb_executor *e, double timeout_s)
{
    if (e->from_child < 0)
        return 1;
    struct pollfd p = {e->from_child, POLLIN, 0};
    if (timeout_s < 0)
        timeout_s = 0;
    struct timespec ts;
    ts.tv_sec = (time_t)timeout_s;
    ts.tv_nsec = (long)((timeout_s - (double)ts.tv_sec) * 1e9);
    int r = ppoll(&p, 1, &ts, NULL);
    return r > 0 ? 1 : 0;
}

int rb_executor_read(rb_executor *e, rb_job_result *r)
{
    uint64_t len = 0;
    if (e->from_child < 0 || read_full(e->from_child, &len, sizeof len) != 0 || len > ((uint64_t)1 << 34))
        return -1;
    void *buf = malloc((size_t)len);
    if (!buf)
        return -1;
    int rc = read_full(e->from_child, buf, (size_t)len) == 0 ? rb_result_unpack(buf, (size_t)len, r) : -1;
    free(buf);
    return rc;
}

int rb_executor_run_here(rb_executor *e, int j, rb_job_result *r)
{
    return run_job(e, j, r);
}

void rb_executor_kill(rb_executor *e, int reap_grace, char *why, size_t len)
{
    if (why && len)
        why[0] = '\0';
    if (e->to_child >= 0)
        close(e->to_child);
    if (e->from_child >= 0)
        close(e->from_child);
    e->to_child = e->from_child = -1;
    if (e->pid > 0) {
        int st = 0;
        pid_t w = waitpid(e->pid, &st, WNOHANG);
        /* a child that just closed its pipe may not be a zombie yet: give it a moment to report how it ended */
        for (int i = 0; w == 0 && i < 50 && reap_grace; i++) {
            struct timespec t = {0, 2000000};
            nanosleep(&t, NULL);
            w = waitpid(e->pid, &st, WNOHANG);
        }
        if (w == 0) { /* still alive */
            kill(e->pid, SIGKILL);
            while (waitpid(e->pid, &st, 0) < 0 && errno == EINTR)
                ;
            if (why && len)
                snprintf(why, len, "killed");
        } else if (why && len && w == e->pid) {
            if (WIFSIGNALED(st))
                snprintf(why, len, "died of signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
            else if (WIFEXITED(st))
                snprintf(why, len, "exited with status %d", WEXITSTATUS(st));
        }
        e->pid = -1;
    }
}

void rb_executor_stop(rb_executor *e)
{
    if (e->forked)
        rb_executor_kill(e, 0, NULL, 0);
    e->forked = 0;
}
