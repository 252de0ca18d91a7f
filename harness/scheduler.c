/* harness/scheduler.c — rb_campaign_run: capability exchange, node detection, and the dynamic dispatcher.
 *
 * Every rank starts an executor (runner.h: a forked child process by default) that probes the backends; the
 * capabilities are gathered on rank 0. Rank 0 coordinates and is the only writer: it hands out jobs one message at a
 * time (workers pull: each holds at most `depth` jobs, the head running, the rest queued so the next job is already
 * there when one finishes), at most one measured job per node in flight (which also means at most one per GPU),
 * simulated/modeled jobs on any capable rank; a rank keeps to the problem (shape and seed) it is on while that
 * problem has jobs it can take, and otherwise starts a problem no other rank is on, so each reference is computed
 * once (load balance wins at the end: an idle rank takes any job left). With forked executors rank 0 also runs jobs
 * in its own child while it stays responsive to messages and signals; with inline executors
 * (RNNBENCH_EXECUTOR=inline) rank 0 only coordinates when there is more than one rank. Results stream to rank 0
 * (record + samples as one MPI_BYTE blob) and are appended in batches: batch_rows rows, but at most every 50 ms (fast
 * jobs then share one append, up to RB_BATCH_CAP rows, so the store keeps up with ~10^5 rows/s), and anything
 * waiting after 2 s. SIGINT/SIGTERM on rank 0: stop dispatching, write what has arrived, tell the workers to stop,
 * return with interrupted set (main closes the file).
 * Frozen ranks: a worker says something at least every RB_BEAT_S (a heartbeat when it has nothing else to send);
 * one silent for --rank-timeout (a stopped process, a hung node) is declared frozen: its jobs in flight are stored as
 * `timeout` with the reason and it gets no more work; at the end every worker says goodbye, and one that does not
 * within the timeout counts as frozen too (res->ranks_frozen: the caller then ends with MPI_Abort). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "capability.h"
#include "mpi_info.h"
#include "parallel.h"
#include "progress.h"
#include "registry.h"
#include "runner.h"
#include "scheduler.h"
#include "signals.h"
#include "timing.h"

enum { TAG_JOB = 11, TAG_STOP = 12, TAG_RESULT = 13, TAG_GONE = 14, TAG_BEAT = 15, TAG_BYE = 16 };
enum { JOB_PENDING = 0, JOB_ASSIGNED = 1, JOB_DONE = 2 };

#define RB_FLUSH_EVERY_S 2.0
#define RB_FLUSH_MIN_S 0.05 /* appends (each two flushes) at most this often, unless the batch is full; testing
                             knob RNNBENCH_TEST_APPEND_EVERY_BATCH=1: every batch_rows rows (no grouping) */
#define RB_BATCH_CAP 4096   /* rows held at most (or batch_rows when larger) */
#define RB_MIN_WAIT_S 0.0002 /* idle sleeps between looks at MPI (rank 0 and workers) grow from this... */
#define RB_MAX_WAIT_S 0.001  /* ...to this; every rank holds its next job already, so this latency is hidden */
#define RB_BLOCK_WAIT_S 0.05 /* wait on the executor's pipe when nothing else can arrive meanwhile (signals
                                 interrupt it) */
#define RB_STOP_DRAIN_S 0.1 /* after an interrupt: time to take results already on their way */
#define RB_BEAT_S 1.0       /* a worker with nothing to send says so this often */

static void idle_sleep(double s)
{
    struct timespec t;
    t.tv_sec = 0;
    t.tv_nsec = (long)(s * 1e9);
    nanosleep(&t, NULL); /* EINTR (a signal) just ends it early */
}

static int env_int(const char *name, int def, int lo, int hi)
{
    const char *e = getenv(name);
    if (!e || !*e)
        return def;
    char *end = NULL;
    long v = strtol(e, &end, 10);
    return (end && *end == '\0' && v >= lo && v <= hi) ? (int)v : def;
}

/* A duration in seconds from the environment (> 0), or def. */
static double env_seconds(const char *name, double def)
{
    const char *e = getenv(name);
    if (!e || !*e)
        return def;
    char *end = NULL;
    double v = strtod(e, &end);
    return (end && *end == '\0' && v > 0 && v < 86400) ? v : def;
}

static int use_fork(void)
{
    const char *e = getenv("RNNBENCH_EXECUTOR");
    return !(e && strcmp(e, "inline") == 0);
}

/* ------------------------------------------------------------------ coordinator (rank 0) state */

typedef struct slot {
    int active;    /* runs jobs and has not left */
    int node;      /* node id */
    int out;       /* jobs handed out, not yet answered */
    int jobs[RB_RUNNER_DEPTH];
} slot;

typedef struct coord {
    const rb_campaign *c;
    rb_campaign_result *res;
    int size, depth, nb;
    int depth_fixed;  /* RNNBENCH_PREFETCH given: no adaptation */
    rb_caps *caps; /* [size] */
    slot *slots;   /* [size] */
    rb_runner *local; /* rank 0's own lane, or NULL */
    unsigned char *state, *measured;
    int *node_busy; /* [size], indexed by node id: measured jobs in flight */
    int *last;      /* [size]: the job last handed to each slot (-1: none), for shape affinity */
    size_t pending_measured;
    size_t pending, done, total;
    size_t cursor; /* every job before it is assigned or done */
    /* batch */
    rb_record *rows;
    double **samples;
    size_t *nsamples;
    size_t nbatch, batch_cap;
    double last_flush, flush_min_s;
    rb_progress prog;
    int *rank_in_flight; /* [size]: jobs out per rank, for the progress line */
    char host[64];
    FILE *trace; /* RNNBENCH_SCHED_TRACE: one line per hand-out/result, for tests and diagnosis */
    double t0;
    double *last_heard;       /* [size]: rb_now() of the last message from each rank */
    unsigned char *frozen;    /* [size]: declared frozen */
    unsigned char *said_bye;  /* [size]: answered STOP */
} coord;

static int flush_batch(coord *k)
{
    if (k->nbatch == 0)
        return 0;
    int rc = 0;
    if (k->c->store && !k->res->store_error) {
        char err[256] = "";
        if (rb_store_append(k->c->store, k->rows, k->nbatch, (const double *const *)k->samples, k->nsamples, err,
                            sizeof err) != 0) {
            fprintf(stderr, "rnnbench: writing results failed: %s\n", err[0] ? err : "unknown error");
            k->res->store_error = 1;
            rc = -1;
        } else {
            k->res->stored += k->nbatch;
        }
    }
    for (size_t i = 0; i < k->nbatch; i++) {
        free(k->samples[i]);
        k->samples[i] = NULL;
    }
    k->nbatch = 0;
    k->last_flush = rb_now();
    return rc;
}

/* Takes ownership of r->samples. */
static void add_result(coord *k, rb_job_result *r)
{
    const char *st = r->rec.status;
    if (strcmp(st, "ok") == 0)
        k->res->ok++;
    else if (strcmp(st, "unavailable") == 0)
        k->res->unavailable++;
    else if (strcmp(st, "timeout") == 0)
        k->res->timeout++;
    else if (strcmp(st, "inaccurate") == 0)
        k->res->inaccurate++;
    else
        k->res->failed++;
    k->done++;
    k->rows[k->nbatch] = r->rec;
    k->samples[k->nbatch] = r->samples;
    k->nsamples[k->nbatch] = r->samples ? r->nsamples : 0;
    r->samples = NULL;
    if (++k->nbatch >= k->batch_cap ||
        (k->nbatch >= (size_t)k->c->batch_rows && rb_now() - k->last_flush >= k->flush_min_s))
        flush_batch(k);
}

/* A result arrived from slot s. */
static void take_result(coord *k, int s, rb_job_result *r)
{
    int j = r->job;
    slot *sl = &k->slots[s];
    int found = -1;
    for (int i = 0; i < sl->out; i++)
        if (sl->jobs[i] == j)
            found = i;
    if (j < 0 || (size_t)j >= k->c->n || found < 0 || k->state[j] != JOB_ASSIGNED) {
        fprintf(stderr, "rnnbench: rank 0: ignoring an unexpected result for job %d from rank %d\n", j, s);
        free(r->samples);
        return;
    }
    memmove(sl->jobs + found, sl->jobs + found + 1, (size_t)(sl->out - found - 1) * sizeof(int));
    sl->out--;
    if (k->measured[j])
        k->node_busy[sl->node]--;
    k->state[j] = JOB_DONE;
    if (k->trace)
        fprintf(k->trace, "%.6f done %d rank %d node %d measured %d %s\n", rb_now() - k->t0, j, s, sl->node,
                k->measured[j], r->rec.status);
    add_result(k, r);
}

static int same_problem(const rb_job *a, const rb_job *b)
{
    const rb_problem *p = &a->problem, *q = &b->problem;
    return a->seed == b->seed && p->cell == q->cell && p->hidden == q->hidden && p->input == q->input &&
           p->batch == q->batch && p->timesteps == q->timesteps;
}

static int takeable(const coord *k, const rb_caps *cp, size_t j)
{
    int b = k->c->jobs[j].backend_index;
    return k->state[j] == JOB_PENDING && b >= 0 && b < cp->nb && cp->ok[b];
}

/* Another executing slot is working on job j's problem (its last job was of that problem). */
static int owned_by_other(const coord *k, int s, size_t j)
{
    for (int t = 0; t < k->size; t++)
        if (t != s && k->slots[t].active && k->last[t] >= 0 &&
            same_problem(&k->c->jobs[k->last[t]], &k->c->jobs[j]))
            return 1;
    return 0;
}

/* A pending job of the problem of slot s's last job (jobs are problem-major, so they sit next to it): measured
 * (only when want_measured) or not. -1 if none. */
static int same_problem_job(const coord *k, int s, const rb_caps *cp, int want_measured)
{
    int l = k->last[s];
    if (l < 0)
        return -1;
    const rb_job *lj = &k->c->jobs[l];
    for (int dir = -1; dir <= 1; dir += 2)
        for (long j = l + dir; j >= 0 && (size_t)j < k->c->n && same_problem(&k->c->jobs[j], lj); j += dir)
            if (takeable(k, cp, (size_t)j) && k->measured[j] == want_measured)
                return (int)j;
    return -1;
}

/* The job slot s takes next, or -1. Measured jobs first while the node has none in flight (they are the serial
 * bottleneck per node); then jobs of the problem s is already on (its weights, inputs and reference are in memory
 * there: each shape's reference is computed once); then the first job of a problem no other rank is on; then any
 * (so no rank idles while work is left). */
static int pick(coord *k, int s)
{
    const slot *sl = &k->slots[s];
    const rb_caps *cp = &k->caps[s];
    int node_free = k->node_busy[sl->node] == 0 && k->pending_measured > 0;
    while (k->cursor < k->c->n && k->state[k->cursor] != JOB_PENDING)
        k->cursor++;
    int j;
    if (node_free && (j = same_problem_job(k, s, cp, 1)) >= 0)
        return j;
    int meas_free = -1, meas_any = -1, other_free = -1, other_any = -1;
    for (size_t i = k->cursor; i < k->c->n; i++) {
        if (!takeable(k, cp, i))
            continue;
        if (k->measured[i]) {
            if (!node_free || meas_free >= 0)
                continue;
            if (meas_any < 0)
                meas_any = (int)i;
            if (!owned_by_other(k, s, i))
                meas_free = (int)i;
        } else if (other_free < 0) {
            if (other_any < 0)
                other_any = (int)i;
            if (!owned_by_other(k, s, i))
                other_free = (int)i;
        }
        if (other_free >= 0 && (!node_free || meas_free >= 0))
            break;
    }
    if (node_free && (meas_free >= 0 || meas_any >= 0))
        return meas_free >= 0 ? meas_free : meas_any;
    if ((j = same_problem_job(k, s, cp, 0)) >= 0)
        return j;
    return other_free >= 0 ? other_free : other_any;
}

static void assign(coord *k, int s, int j)
{
    slot *sl = &k->slots[s];
    k->state[j] = JOB_ASSIGNED;
    k->pending--;
    sl->jobs[sl->out++] = j;
    k->last[s] = j;
    if (k->measured[j]) {
        k->node_busy[sl->node]++;
        k->pending_measured--;
    }
    if (k->trace)
        fprintf(k->trace, "%.6f start %d rank %d node %d measured %d\n", rb_now() - k->t0, j, s, sl->node,
                k->measured[j]);
    if (s == 0 && k->local) {
        rb_runner_submit(k->local, j);
    } else {
        int v = j;
        MPI_Send(&v, 1, MPI_INT, s, TAG_JOB, MPI_COMM_WORLD);
    }
}

/* Jobs each rank may hold: 2 (one running, one queued) unless jobs are so short that rank 0's polling interval
 * could leave an executor idle; then up to RB_RUNNER_DEPTH. Mean job time ~ executing slots x elapsed / results. */
static void adapt_depth(coord *k)
{
    if (k->depth_fixed || k->done < 16)
        return;
    int slots = 0;
    for (int s = 0; s < k->size; s++)
        slots += k->slots[s].active;
    double per_job = (rb_now() - k->t0) * (slots ? slots : 1) / (double)k->done;
    int d = per_job < 2 * RB_MAX_WAIT_S ? 8 : per_job < 8 * RB_MAX_WAIT_S ? 4 : 2;
    k->depth = d > RB_RUNNER_DEPTH ? RB_RUNNER_DEPTH : d;
}

/* Breadth-first: every slot gets its 1st job before any gets a 2nd, so idle ranks are served first. */
static int dispatch(coord *k)
{
    adapt_depth(k);
    int given = 0;
    for (int level = 1; level <= k->depth && k->pending > 0; level++)
        for (int s = 0; s < k->size && k->pending > 0; s++) {
            slot *sl = &k->slots[s];
            if (!sl->active || sl->out >= level)
                continue;
            int j = pick(k, s);
            if (j >= 0) {
                assign(k, s, j);
                given++;
            }
        }
    return given;
}

static size_t in_flight(const coord *k)
{
    size_t n = 0;
    for (int s = 0; s < k->size; s++)
        n += (size_t)k->slots[s].out;
    return n;
}

/* "reason [ranks 1,3]; other reason [rank 2]" for backend b over all ranks. */
static void reasons(const coord *k, int b, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int r = 0; r < k->size; r++) {
        const char *why = k->caps[r].ok[b] ? NULL : k->caps[r].why[b];
        if (!k->caps[r].executes)
            continue;
        if (!why || !*why)
            why = k->caps[r].ok[b] ? NULL : "unavailable";
        if (!why)
            continue;
        int seen = 0;
        for (int q = 0; q < r && !seen; q++)
            seen = k->caps[q].executes && !k->caps[q].ok[b] && strcmp(k->caps[q].why[b], why) == 0;
        if (seen)
            continue;
        char ranks[96] = "";
        size_t ru = 0;
        int count = 0;
        for (int q = r; q < k->size; q++)
            if (k->caps[q].executes && !k->caps[q].ok[b] && strcmp(k->caps[q].why[b], why) == 0 && ru < 80) {
                int w = snprintf(ranks + ru, sizeof ranks - ru, "%s%d", count ? "," : "", q);
                ru += w > 0 ? (size_t)w : 0;
                count++;
            }
        if (used < len) {
            int w = snprintf(out + used, len - used, "%s%s [rank%s %s]", used ? "; " : "", why, count > 1 ? "s" : "",
                             ranks);
            used += w > 0 ? (size_t)w : 0;
        }
    }
}

/* Jobs whose backend no executing rank can run: recorded `unavailable` now. */
static void record_unrunnable(coord *k)
{
    for (int b = 0; b < k->nb; b++) {
        int capable = 0;
        for (int s = 0; s < k->size; s++)
            capable |= k->slots[s].active && k->caps[s].ok[b];
        if (capable)
            continue;
        /* the message keeps the probe's reason whole: "no rank can run B: why [ranks]" when that fits the row,
         * else the first reason alone */
        char why[1024], msg[sizeof(((rb_record *)0)->message)];
        reasons(k, b, why, sizeof why);
        int w = snprintf(msg, sizeof msg, "no rank can run %s: %s", rb_backend_at((size_t)b)->name, why);
        if (w < 0 || (size_t)w >= sizeof msg)
            for (int s = 0; s < k->size; s++)
                if (k->caps[s].executes && !k->caps[s].ok[b]) {
                    snprintf(msg, sizeof msg, "%s", k->caps[s].why[b]);
                    break;
                }
        for (size_t j = 0; j < k->c->n; j++) {
            if (k->state[j] != JOB_PENDING || k->c->jobs[j].backend_index != b)
                continue;
            rb_job_result r;
            rb_result_synth(&r, &k->c->jobs[j], (int)j, "unavailable", k->host, 0, "%s", msg);
            k->state[j] = JOB_DONE;
            k->pending--;
            k->pending_measured -= k->measured[j];
            add_result(k, &r);
        }
    }
}

/* Pending jobs no remaining rank can take (their capable ranks left): recorded unavailable. */
static void record_stranded(coord *k)
{
    for (size_t j = 0; j < k->c->n; j++) {
        if (k->state[j] != JOB_PENDING)
            continue;
        rb_job_result r;
        rb_result_synth(&r, &k->c->jobs[j], (int)j, "unavailable", k->host, 0,
                        "every rank able to run %s left the campaign",
                        rb_backend_at((size_t)k->c->jobs[j].backend_index)->name);
        k->state[j] = JOB_DONE;
        k->pending--;
        k->pending_measured -= k->measured[j];
        add_result(k, &r);
    }
}

/* Receives every message that has arrived. Returns how many were handled. */
static int drain_messages(coord *k)
{
    int handled = 0;
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag)
            return handled;
        handled++;
        int src = st.MPI_SOURCE, count = 0;
        MPI_Get_count(&st, MPI_BYTE, &count);
        void *buf = malloc(count > 0 ? (size_t)count : 1);
        if (!buf) {
            fprintf(stderr, "rnnbench: rank 0: out of memory receiving a result\n");
            MPI_Abort(MPI_COMM_WORLD, 3);
        }
        MPI_Recv(buf, count, MPI_BYTE, src, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (src > 0 && src < k->size) {
            k->last_heard[src] = rb_now();
            if (k->frozen[src] == 1) {
                k->frozen[src] = 2; /* back: it gets STOP and may say goodbye, but no work */
                fprintf(stderr, "rnnbench: rank 0: rank %d answers again; its jobs stay recorded as timeout and it "
                                "gets no more work\n", src);
            }
        }
        if (st.MPI_TAG == TAG_BYE && src > 0 && src < k->size) {
            k->said_bye[src] = 1;
        } else if (st.MPI_TAG == TAG_BEAT) {
            /* (only alive) */
        } else if (st.MPI_TAG == TAG_RESULT && src > 0 && k->frozen[src]) {
            rb_job_result r;
            if (rb_result_unpack(buf, (size_t)count, &r) == 0)
                free(r.samples); /* a late result of a frozen rank: its job is already stored as timeout */
        } else if (st.MPI_TAG == TAG_RESULT) {
            rb_job_result r;
            if (rb_result_unpack(buf, (size_t)count, &r) == 0)
                take_result(k, src, &r);
            else
                fprintf(stderr, "rnnbench: rank 0: malformed result from rank %d\n", src);
        } else if (st.MPI_TAG == TAG_GONE && src > 0 && src < k->size) {
            /* the worker left (it was signalled): its jobs go back to the queue */
            slot *sl = &k->slots[src];
            for (int i = 0; i < sl->out; i++) {
                int j = sl->jobs[i];
                k->state[j] = JOB_PENDING;
                k->pending++;
                if (k->trace)
                    fprintf(k->trace, "%.6f requeue %d rank %d node %d measured %d\n", rb_now() - k->t0, j, src,
                            sl->node, k->measured[j]);
                if ((size_t)j < k->cursor)
                    k->cursor = (size_t)j;
                if (k->measured[j]) {
                    k->node_busy[sl->node]--;
                    k->pending_measured++;
                }
            }
            sl->out = 0;
            sl->active = 0;
            k->last[src] = -1;
            k->caps[src].executes = 0; /* it has left: no STOP for it */
        }
        free(buf);
    }
}

/* How long worker s may stay silent (0: for ever). An inline executor cannot answer while a job runs: it gets the
 * hard job limit of each job it holds on top (and without --job-timeout it is never declared frozen). */
static double silence_limit(const coord *k, int s)
{
    double t = k->c->rank_timeout_s;
    if (t <= 0 || !k->caps[s].executor_inline)
        return t;
    double hard = rb_runner_hard_limit(k->c->exec.job_timeout_s);
    return hard > 0 ? t + hard * (k->slots[s].out + 1) : 0;
}

/* Workers silent past their limit: their jobs in flight are stored as timeout, they get no more work. */
static void find_frozen(coord *k)
{
    double now = rb_now();
    for (int s = 1; s < k->size; s++) {
        slot *sl = &k->slots[s];
        double limit = silence_limit(k, s);
        if (!sl->active || k->frozen[s] || limit <= 0 || now - k->last_heard[s] <= limit)
            continue;
        double quiet = now - k->last_heard[s];
        k->frozen[s] = 1;
        k->res->ranks_frozen++;
        fprintf(stderr,
                "rnnbench: rank 0: rank %d (%s) has not answered for %.0f s (a stopped process or a hung node?): its "
                "%d job(s) in flight are stored as timeout and it gets no more work\n",
                s, k->caps[s].host, quiet, sl->out);
        if (k->trace)
            fprintf(k->trace, "%.6f frozen rank %d silent %.3f\n", now - k->t0, s, quiet);
        for (int i = 0; i < sl->out; i++) {
            int j = sl->jobs[i];
            if (k->measured[j])
                k->node_busy[sl->node]--;
            k->state[j] = JOB_DONE;
            if (k->trace)
                fprintf(k->trace, "%.6f done %d rank %d node %d measured %d timeout\n", now - k->t0, j, s, sl->node,
                        k->measured[j]);
            rb_job_result r;
            rb_result_synth(&r, &k->c->jobs[j], j, "timeout", k->caps[s].host, s,
                            "rank %d stopped answering (no message for %.0f s, --rank-timeout %g s): a stopped "
                            "process or a hung node; the job's result is unknown", s, quiet, k->c->rank_timeout_s);
            add_result(k, &r);
        }
        sl->out = 0;
        sl->active = 0;
    }
}

static void stop_workers(coord *k)
{
    for (int s = 1; s < k->size; s++)
        if (k->slots[s].active || k->caps[s].executes) {
            MPI_Send(NULL, 0, MPI_BYTE, s, TAG_STOP, MPI_COMM_WORLD);
            k->slots[s].active = 0;
        }
}

/* After STOP: every worker still in the campaign (not left, not frozen) says goodbye; one that stays silent past
 * the rank timeout is counted frozen (MPI_Finalize would wait for it forever). */
static void await_goodbyes(coord *k)
{
    if (k->c->rank_timeout_s <= 0)
        return;
    for (;;) {
        int missing = 0;
        double now = rb_now();
        for (int s = 1; s < k->size; s++) {
            if (!k->caps[s].executes || k->said_bye[s] || k->frozen[s] == 1)
                continue;
            if (now - k->last_heard[s] > k->c->rank_timeout_s) {
                k->frozen[s] = 1;
                k->res->ranks_frozen++;
                fprintf(stderr, "rnnbench: rank 0: rank %d (%s) did not answer the end of the campaign within %g s\n",
                        s, k->caps[s].host, k->c->rank_timeout_s);
                continue;
            }
            missing++;
        }
        if (!missing)
            return;
        if (!drain_messages(k))
            idle_sleep(RB_MAX_WAIT_S);
    }
}

/* What the progress line shows: results so far and the jobs in flight on each rank. */
static void progress_counts(coord *k, rb_progress_counts *pc)
{
    for (int s = 0; s < k->size; s++)
        k->rank_in_flight[s] = k->slots[s].out;
    pc->done = k->done;
    pc->ok = k->res->ok;
    pc->failed = k->res->failed + k->res->timeout + k->res->inaccurate;
    pc->unavailable = k->res->unavailable;
    pc->in_flight = k->rank_in_flight;
    pc->nranks = k->size;
}

static void coordinate(coord *k)
{
    const rb_campaign *c = k->c;
    record_unrunnable(k);
    /* a live line on a terminal; log lines otherwise (under mpirun/srun rank 0's stderr is a pipe even when the user
     * watches a terminal). RNNBENCH_PROGRESS=1|0 forces progress on or off (even with --quiet);
     * RNNBENCH_PROGRESS_INTERVAL=S sets the shortest interval between log lines */
    int progress = env_int("RNNBENCH_PROGRESS", c->progress ? 1 : 0, 0, 1);
    rb_progress_start(&k->prog, progress, isatty(2), env_seconds("RNNBENCH_PROGRESS_INTERVAL", 0.0), k->total);
    double wait = RB_MIN_WAIT_S;
    for (;;) {
        if (rb_signals_caught()) {
            k->res->interrupted = 1;
            break;
        }
        if (k->res->store_error)
            break;
        int events = drain_messages(k);
        find_frozen(k);
        if (k->local && k->local->qlen > 0) {
            rb_job_result r;
            /* blocks on the child's pipe for at most `wait`; alone, no MPI message can arrive meanwhile */
            double w = events ? 0.0 : k->size == 1 ? RB_BLOCK_WAIT_S : wait;
            if (rb_runner_poll(k->local, w, &r) == 1) {
                take_result(k, 0, &r);
                events++;
            } else if (!events) {
                events = -1; /* we already waited */
            }
        }
        events += dispatch(k);
        size_t flying = in_flight(k);
        double since = rb_now() - k->last_flush;
        if (k->nbatch && (since >= RB_FLUSH_EVERY_S || (k->nbatch >= (size_t)k->c->batch_rows && since >= k->flush_min_s)))
            flush_batch(k);
        if (k->prog.enabled) {
            rb_progress_counts pc;
            progress_counts(k, &pc);
            rb_progress_update(&k->prog, &pc, 0);
        }
        if (flying == 0) {
            if (k->pending > 0)
                record_stranded(k);
            break;
        }
        if (events > 0) {
            wait = RB_MIN_WAIT_S;
        } else {
            if (events == 0)
                idle_sleep(wait);
            wait = wait * 2 > RB_MAX_WAIT_S ? RB_MAX_WAIT_S : wait * 2;
        }
    }
    if (k->local)
        rb_runner_stop(k->local);
    stop_workers(k);
    if (!k->res->interrupted)
        await_goodbyes(k);
    if (k->res->interrupted) {
        /* write what has arrived, and take results already being sent (a worker blocked in a large MPI_Send
         * would otherwise never see STOP); keep it short: mpirun sends SIGKILL 1 s after SIGTERM */
        double t0 = rb_now();
        do {
            if (!drain_messages(k))
                idle_sleep(0.001);
        } while (rb_now() - t0 < RB_STOP_DRAIN_S);
    }
    flush_batch(k);
    rb_progress_counts pc;
    progress_counts(k, &pc);
    rb_progress_finish(&k->prog, &pc);
}

/* ------------------------------------------------------------------ workers (rank > 0) */

/* Results on their way to rank 0. Sent with MPI_Isend and completed later: a blocking MPI_Send busy-polls until
 * rank 0 takes the message, which costs as much CPU as the jobs themselves when rank 0 is descheduled. */
#define RB_SENDS_MAX 16
typedef struct sends {
    MPI_Request req[RB_SENDS_MAX];
    void *buf[RB_SENDS_MAX];
    int n;
} sends;

/* Completes finished sends; returns how many are still pending. */
static int sends_progress(sends *q)
{
    for (int i = 0; i < q->n;) {
        int done = 0;
        MPI_Test(&q->req[i], &done, MPI_STATUS_IGNORE);
        if (done) {
            free(q->buf[i]);
            q->req[i] = q->req[q->n - 1];
            q->buf[i] = q->buf[q->n - 1];
            q->n--;
        } else {
            i++;
        }
    }
    return q->n;
}

static void sends_post(sends *q, void *buf, size_t len)
{
    while (q->n >= RB_SENDS_MAX && sends_progress(q) >= RB_SENDS_MAX)
        idle_sleep(0.0001);
    MPI_Isend(buf, (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD, &q->req[q->n]);
    q->buf[q->n++] = buf;
}

/* Before leaving: give pending sends a moment (rank 0 drains after an interrupt), then let go of them. */
static void sends_finish(sends *q)
{
    double t0 = rb_now();
    while (sends_progress(q) > 0 && rb_now() - t0 < 2 * RB_STOP_DRAIN_S)
        idle_sleep(0.001);
    for (int i = 0; i < q->n; i++) {
        MPI_Request_free(&q->req[i]);
        /* the buffer may still be read by MPI: leave it allocated */
    }
    q->n = 0;
}

/* A heartbeat when nothing else went to rank 0 for RB_BEAT_S (at most one in flight). */
static void heartbeat(MPI_Request *beat, double *last_sent)
{
    if (*beat != MPI_REQUEST_NULL) {
        int done = 0;
        MPI_Test(beat, &done, MPI_STATUS_IGNORE);
        if (!done)
            return;
    }
    double now = rb_now();
    if (now - *last_sent < RB_BEAT_S)
        return;
    MPI_Isend(NULL, 0, MPI_BYTE, 0, TAG_BEAT, MPI_COMM_WORLD, beat);
    *last_sent = now;
}

static void work(rb_runner *run, int executes)
{
    int msg = 0;
    sends out;
    out.n = 0;
    MPI_Request req, beat = MPI_REQUEST_NULL;
    double last_sent = rb_now();
    MPI_Irecv(&msg, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &req);
    double wait = RB_MIN_WAIT_S;
    for (;;) {
        int events = 0;
        heartbeat(&beat, &last_sent);
        if (rb_signals_caught()) {
            rb_runner_stop(run);
            sends_finish(&out);
            if (beat != MPI_REQUEST_NULL)
                MPI_Request_free(&beat);
            MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_GONE, MPI_COMM_WORLD);
            MPI_Cancel(&req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
            return;
        }
        int flag = 0;
        MPI_Status st;
        MPI_Test(&req, &flag, &st);
        if (flag) {
            if (st.MPI_TAG == TAG_STOP) {
                rb_runner_stop(run);
                sends_finish(&out);
                if (beat != MPI_REQUEST_NULL)
                    MPI_Wait(&beat, MPI_STATUS_IGNORE);
                MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_BYE, MPI_COMM_WORLD);
                return;
            }
            if (st.MPI_TAG == TAG_JOB && executes)
                rb_runner_submit(run, msg);
            MPI_Irecv(&msg, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &req);
            events++;
        }
        int sending = out.n ? sends_progress(&out) : 0;
        if (executes && run->qlen > 0) {
            rb_job_result r;
            /* a busy executor already holds its next job (prefetch): wait on its pipe, and look at MPI when it
             * answers (a new job, or STOP after an interrupt, can wait that long); sends in progress: short waits */
            double w = events ? 0.0 : sending ? RB_MAX_WAIT_S : RB_BLOCK_WAIT_S;
            if (rb_runner_poll(run, w, &r) == 1) {
                void *buf = NULL;
                size_t len = 0;
                if (rb_result_pack(&r, &buf, &len) != 0) {
                    fprintf(stderr, "rnnbench: rank %d: out of memory packing a result\n", run->ex.cfg.rank);
                    MPI_Abort(MPI_COMM_WORLD, 3);
                }
                sends_post(&out, buf, len);
                last_sent = rb_now();
                free(r.samples);
                events++;
            } else if (!events) {
                events = -1;
            }
        }
        if (events > 0) {
            wait = RB_MIN_WAIT_S;
        } else {
            if (events == 0)
                idle_sleep(wait);
            wait = wait * 2 > RB_MAX_WAIT_S ? RB_MAX_WAIT_S : wait * 2;
        }
    }
}

/* ------------------------------------------------------------------ entry point */

int rb_campaign_run(const rb_campaign *c, rb_campaign_result *res)
{
    memset(res, 0, sizeof *res);
    double t_enter = rb_now();
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int node_id = rank, node_rank = 0, node_size = 1;
    rb_mpi_node(&node_id, &node_rank, &node_size);
    /* testing knob: pretend every K consecutive ranks form a node (multi-node scheduling on one machine) */
    int fake = env_int("RNNBENCH_TEST_RANKS_PER_NODE", 0, 1, 1 << 20);
    if (fake > 0)
        node_id = rank / fake * fake;

    char host[64];
    rb_hostname(host, sizeof host);
    rb_exec_config cfg = c->exec;
    cfg.host = host;
    cfg.rank = rank;
    /* the functional computations (reference, numerics emulation) share this node's CPUs with its other ranks */
    if (cfg.threads <= 0) {
        int per_rank = rb_par_cpus() / (node_size > 0 ? node_size : 1);
        cfg.threads = per_rank > 0 ? per_rank : 1;
    }

    rb_signals_install();
    int forked = use_fork();
    /* rank 0 runs jobs too when its executor is a separate process (it stays free to coordinate), or when alone */
    int executes = rank > 0 || size == 1 || forked;
    rb_caps mine;
    memset(&mine, 0, sizeof mine);
    rb_runner run;
    memset(&run, 0, sizeof run);
    if (executes) {
        rb_runner_start(&run, c->jobs, c->n, &cfg, forked, &mine);
    } else {
        rb_caps_probe(&mine, rank); /* for the reasons in `unavailable` rows */
    }
    mine.rank = rank;
    mine.node_id = node_id;
    mine.executes = executes;
    mine.executor_inline = executes && !run.ex.forked;
    snprintf(mine.host, sizeof mine.host, "%s", host);

    rb_caps *all = rank == 0 ? calloc((size_t)size, sizeof(rb_caps)) : NULL;
    if (rank == 0 && !all) {
        fprintf(stderr, "rnnbench: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    /* nonblocking + sleep: ranks that probe fast must not spin (a blocking collective busy-polls in Open MPI)
     * while others initialise their backends */
    MPI_Request greq;
    MPI_Igather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD, &greq);
    for (int done = 0;;) {
        MPI_Test(&greq, &done, MPI_STATUS_IGNORE);
        if (done)
            break;
        idle_sleep(RB_MAX_WAIT_S);
    }
    double setup_s = rb_now() - t_enter;

    int rc = 0;
    if (rank == 0) {
        coord k;
        memset(&k, 0, sizeof k);
        k.c = c;
        k.res = res;
        k.size = size;
        k.nb = (int)rb_backend_count();
        if (k.nb > RB_CAP_MAX_BACKENDS)
            k.nb = RB_CAP_MAX_BACKENDS;
        k.depth = env_int("RNNBENCH_PREFETCH", 0, 1, RB_RUNNER_DEPTH);
        k.depth_fixed = k.depth > 0;
        if (!k.depth)
            k.depth = 2;
        k.caps = all;
        k.local = executes ? &run : NULL;
        snprintf(k.host, sizeof k.host, "%s", host);
        size_t batch = c->batch_rows >= 1 ? (size_t)c->batch_rows : 1;
        k.batch_cap = batch > RB_BATCH_CAP ? batch : RB_BATCH_CAP;
        k.flush_min_s = env_int("RNNBENCH_TEST_APPEND_EVERY_BATCH", 0, 0, 1) ? 0.0 : RB_FLUSH_MIN_S;
        rb_campaign cc = *c;
        cc.batch_rows = (int)batch;
        k.c = &cc;
        k.slots = calloc((size_t)size, sizeof(slot));
        k.node_busy = calloc((size_t)size, sizeof(int));
        k.last = malloc((size_t)size * sizeof(int));
        k.rank_in_flight = calloc((size_t)size, sizeof(int));
        k.state = calloc(c->n ? c->n : 1, 1);
        k.measured = calloc(c->n ? c->n : 1, 1);
        k.rows = malloc(k.batch_cap * sizeof(rb_record));
        k.samples = calloc(k.batch_cap, sizeof(double *));
        k.nsamples = calloc(k.batch_cap, sizeof(size_t));
        k.last_heard = calloc((size_t)size, sizeof(double));
        k.frozen = calloc((size_t)size, 1);
        k.said_bye = calloc((size_t)size, 1);
        if (!k.slots || !k.node_busy || !k.last || !k.rank_in_flight || !k.state || !k.measured || !k.rows ||
            !k.samples || !k.nsamples || !k.last_heard || !k.frozen || !k.said_bye) {
            fprintf(stderr, "rnnbench: out of memory\n");
            MPI_Abort(MPI_COMM_WORLD, 3);
        }
        for (int s = 0; s < size; s++) {
            k.last[s] = -1;
            k.slots[s].active = all[s].executes;
            k.slots[s].node = all[s].node_id >= 0 && all[s].node_id < size ? all[s].node_id : s;
        }
        for (size_t j = 0; j < c->n; j++) {
            if (c->skip && c->skip[j]) {
                k.state[j] = JOB_DONE;
                res->skipped++;
                continue;
            }
            const rb_backend *b = rb_backend_at((size_t)c->jobs[j].backend_index);
            k.measured[j] = b && b->kind == RB_MEASURED;
            k.pending_measured += k.measured[j];
            k.pending++;
        }
        k.total = k.pending;
        k.last_flush = k.t0 = rb_now();
        for (int s = 0; s < size; s++)
            k.last_heard[s] = k.t0;
        const char *tp = getenv("RNNBENCH_SCHED_TRACE");
        k.trace = tp && *tp ? fopen(tp, "w") : NULL;
        if (k.trace) {
            setvbuf(k.trace, NULL, _IOLBF, 0); /* line by line: tests watch it while the campaign runs */
            fprintf(k.trace, "# setup (node detection, executors, probes, capability exchange) %.6f s\n", setup_s);
        }
        coordinate(&k);
        if (k.trace)
            fclose(k.trace);
        rc = res->store_error ? -1 : 0;
        free(k.slots);
        free(k.node_busy);
        free(k.last);
        free(k.rank_in_flight);
        free(k.state);
        free(k.measured);
        free(k.rows);
        free(k.samples);
        free(k.nsamples);
        free(k.last_heard);
        free(k.frozen);
        free(k.said_bye);
    } else {
        (void)setup_s;
        work(&run, executes);
    }
    free(all);
    rb_signals_restore();
    return rc;
}
